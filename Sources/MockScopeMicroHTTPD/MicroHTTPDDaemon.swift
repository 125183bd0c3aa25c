import MockScopeHTTPTypes
import CMicroHTTPDShim
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd: epoll worker threads, streams that hold no thread,
/// one scheduler for every timed event.
///
/// It can be stopped and started again: each start gets a fresh scheduler and fresh connection
/// state (with port 0 a restart may listen on another port; read `port` again).
public final class MicroHTTPDDaemon: Sendable {
    public let configuration: DaemonConfiguration
    private let handler: any HTTPHandler
    private let counters = ServerCounters()
    /// The running daemon and the state of this run; nil while stopped.
    private let run = Mutex<Run?>(nil)
    private let boundPort = Atomic<UInt16>(0)

    private struct Run {
        let handle: DaemonHandle
        let core: ServerCore
        /// No longer accepting (`stopAccepting`).
        var quiesced = false
    }

    public init(configuration: DaemonConfiguration = DaemonConfiguration(), handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// The port the server listens on (after `start`).
    public var port: UInt16 { boundPort.load(ordering: .acquiring) }

    /// Streamed responses under way right now.
    public var activeStreams: Int { counters.activeStreams.load(ordering: .relaxed) }

    /// Requests received and not yet completed.
    public var openRequests: Int { counters.openRequests.load(ordering: .relaxed) }

    /// Connections suspended until a time or an event (streams between events, latencies, hangs,
    /// stalls) in this run; 0 while stopped.
    public var suspendedConnections: Int { run.withLock { $0?.core.scheduler.pending ?? 0 } }

    /// Connections the scheduler has resumed in this run (by their due time or because their peer
    /// went); 0 while stopped. A held connection nothing happens to adds nothing.
    public var schedulerWakeUps: Int { run.withLock { $0?.core.scheduler.wakeUps ?? 0 } }

    /// Starts listening. Throws `DaemonError.alreadyStarted` while running, `.startFailed` when
    /// the address cannot be bound.
    public func start() throws {
        try run.withLock { run in
            guard run == nil else { throw DaemonError.alreadyStarted }
            let limit = mscope_raise_nofile_limit()
            var config = configuration
            if limit > 0 { config.connectionLimit = min(config.connectionLimit, max(64, Int(limit) - 64)) }
            let core = ServerCore(handler: handler, configuration: config, counters: counters)
            core.scheduler.start()
            let started: DaemonHandle
            do {
                started = try CallbackSeam.startDaemon(core: core, configuration: config)
            } catch {
                core.scheduler.stop()
                throw error
            }
            run = Run(handle: started, core: core)
            boundPort.store(mscope_daemon_port(started.raw), ordering: .releasing)
        }
    }

    /// Whether it is started (and not stopped).
    public var isRunning: Bool { run.withLock { $0 != nil } }

    /// Stops accepting new connections; open ones go on until `stop`. For a graceful shutdown.
    public func stopAccepting() {
        run.withLock { run in
            guard var current = run, !current.quiesced else { return }
            CallbackSeam.quiesceDaemon(current.handle)
            current.quiesced = true
            run = current
        }
    }

    /// Stops accepting, ends every open stream, and stops the daemon. Safe to call twice; `start`
    /// may follow.
    public func stop() {
        run.withLock { run in
            guard let current = run else { return }
            current.core.scheduler.stop()
            current.core.shutDownLiveResponses()
            CallbackSeam.stopDaemon(current.handle)
            run = nil
        }
    }

    deinit { stop() }
}
