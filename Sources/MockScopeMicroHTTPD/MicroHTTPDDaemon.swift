import MockScopeHTTPTypes
import CMicroHTTPDShim
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd: epoll worker threads, streams that hold no thread,
/// one scheduler for every timed event.
public final class MicroHTTPDDaemon: Sendable {
    public let configuration: DaemonConfiguration
    let core: ServerCore
    private let daemon = Mutex<DaemonHandle?>(nil)
    private let boundPort = Atomic<UInt16>(0)

    public init(configuration: DaemonConfiguration = DaemonConfiguration(), handler: any HTTPHandler) {
        self.configuration = configuration
        self.core = ServerCore(handler: handler, configuration: configuration)
    }

    /// The port the server listens on (after `start`).
    public var port: UInt16 { boundPort.load(ordering: .acquiring) }

    /// Streamed responses under way right now.
    public var activeStreams: Int { core.activeStreams.load(ordering: .relaxed) }

    /// Requests received and not yet completed.
    public var openRequests: Int { core.openRequests.load(ordering: .relaxed) }

    public func start() throws {
        try daemon.withLock { handle in
            guard handle == nil else { throw DaemonError.alreadyStarted }
            let limit = mscope_raise_nofile_limit()
            var config = configuration
            if limit > 0 { config.connectionLimit = min(config.connectionLimit, max(64, Int(limit) - 64)) }
            core.scheduler.start()
            let started = try CallbackSeam.startDaemon(core: core, configuration: config)
            handle = started
            boundPort.store(mscope_daemon_port(started.raw), ordering: .releasing)
        }
    }

    /// Stops accepting, ends every open stream, and stops the daemon. Safe to call twice.
    public func stop() {
        daemon.withLock { handle in
            guard let started = handle else { return }
            core.scheduler.stop()
            core.shutDownLiveResponses()
            CallbackSeam.stopDaemon(started)
            handle = nil
        }
    }

    deinit { stop() }
}
