import CMicroHTTPDShim
import Synchronization

/// Settings of the HTTP layer.
public struct HTTPServerConfiguration: Sendable {
    /// Numeric IPv4 or IPv6 address to bind. Loopback unless told otherwise.
    public var host: String = "127.0.0.1"
    /// 0 = any free port (read it back from `HTTPServer.port`).
    public var port: UInt16 = 0
    public var threads: Int = 2
    public var connectionLimit: Int = 16_000
    /// libmicrohttpd's per-connection memory pool: the request's header block must fit in it
    /// (a 7 KB header block does at 8 KiB). 8 KiB keeps 10,000 held streams under 200 MB (bench/RESULTS.md).
    public var connectionMemoryLimit: Int = 8 * 1024
    /// Idle connections are closed after this many seconds (0 = never). Also what releases a
    /// client that sent half a request and vanished: libmicrohttpd 0.9.75 in epoll mode can miss a
    /// FIN that arrives with the last bytes it reads. Suspended connections (streams between
    /// events, stalls, hangs) are not idle in this sense.
    public var connectionTimeoutSeconds: Int = 30
    public var listenBacklog: Int = 4096
    /// Bodies larger than this are not kept; the request is flagged `bodyTooLarge`.
    public var maxBodyBytes: Int = 8 * 1024 * 1024
    /// The size of each block a streamed body is written in.
    public var streamBlockSize: Int = 4096

    public init() {}
}

public enum HTTPServerError: Error, CustomStringConvertible, Equatable {
    case startFailed(host: String, port: UInt16, reason: String)
    case alreadyStarted

    public var description: String {
        switch self {
        case let .startFailed(host, port, reason):
            return "could not listen on \(host):\(port): \(reason). Choose another --port (0 picks a free one) or a local --host."
        case .alreadyStarted:
            return "the server is already running; stop it before starting it again"
        }
    }
}

/// An HTTP/1.1 server on libmicrohttpd: epoll worker threads, streams that hold no thread,
/// one scheduler for every timed event.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    let core: ServerCore
    private let daemon = Mutex<DaemonHandle?>(nil)
    private let boundPort = Atomic<UInt16>(0)

    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), handler: any HTTPHandler) {
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
            guard handle == nil else { throw HTTPServerError.alreadyStarted }
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

/// State shared by every callback of one server.
final class ServerCore: Sendable {
    let handler: any HTTPHandler
    let scheduler = StreamScheduler(wake: ConnectionHandle.resume(token:))
    let activeStreams = Atomic<Int>(0)
    let openRequests = Atomic<Int>(0)
    let maxBodyBytes: Int
    let streamBlockSize: Int
    /// Live responses under way, so that stopping can end them.
    private let live = Mutex<[ObjectIdentifier: LiveResponse]>([:])
    private let stopping = Atomic<Bool>(false)

    /// Registers a live response; false when the server is stopping (end it instead).
    func track(_ response: LiveResponse) -> Bool {
        live.withLock { table in
            if stopping.load(ordering: .acquiring) { return false }
            table[ObjectIdentifier(response)] = response
            return true
        }
    }

    func untrack(_ response: LiveResponse) { live.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(response)) } }

    func shutDownLiveResponses() {
        let all = live.withLock { table -> [LiveResponse] in
            stopping.store(true, ordering: .releasing)
            return Array(table.values)
        }
        for response in all { response.shutdown() }
    }

    init(handler: any HTTPHandler, configuration: HTTPServerConfiguration) {
        self.handler = handler
        self.maxBodyBytes = configuration.maxBodyBytes
        self.streamBlockSize = configuration.streamBlockSize
    }
}
