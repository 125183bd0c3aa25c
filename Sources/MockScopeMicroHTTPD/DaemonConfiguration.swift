/// Settings of the HTTP layer.
public struct DaemonConfiguration: Sendable {
    /// Numeric IPv4 or IPv6 address to bind. Loopback unless told otherwise.
    public var host: String = "127.0.0.1"
    /// 0 = any free port (read it back from `MicroHTTPDDaemon.port`).
    public var port: UInt16 = 0
    public var threads: Int = 2
    public var connectionLimit: Int = 16_000
    /// libmicrohttpd's per-connection memory pool: the request's header block must fit in it
    /// (a 7 KB header block does at 8 KiB). 8 KiB keeps 10,000 held streams under 150 MB (bench/RESULTS.md).
    public var connectionMemoryLimit: Int = 8 * 1024
    /// Idle connections are closed after this many seconds (0 = never). Also what releases a
    /// client that sent half a request and vanished: libmicrohttpd 0.9.75 in epoll mode can miss a
    /// FIN that arrives with the last bytes it reads. Suspended connections (streams between
    /// events, stalls, hangs) are not idle in this sense.
    public var connectionTimeoutSeconds: Int = 30
    public var listenBacklog: Int = 4096
    /// Bodies larger than this are not kept; the request is flagged `bodyTooLarge`.
    public var maxBodyBytes: Int = 8 * 1024 * 1024
    /// The buffer libmicrohttpd gives each streamed response (`MHD_create_response_from_callback`'s
    /// block size): the most bytes one read of a stream hands over when it goes out unchunked (an
    /// HTTP/1.0 client). A chunked stream (HTTP/1.1) is written straight into its connection's
    /// pool (`connectionMemoryLimit`) and never touches it, yet every stream allocates and zeroes
    /// it for its whole life: at 4096 bytes, 10,000 held streams kept 40 MB of zeroes. 512 bytes
    /// holds a usual SSE event; a larger one goes out in several reads, the same bytes.
    public var streamBlockSize: Int = 512
    /// What stream events, latencies, hangs and stalls are timed on: real monotonic time, or a
    /// `ManualSchedulerClock` that a test advances (events are then sent only when it is moved).
    /// `HTTPRequest.receivedAt` and the durations reported to the handler stay in real time, and
    /// so does `connectionTimeoutSeconds`. Whether a held client has gone (a reset) is watched
    /// through the scheduler's epoll set, on any clock.
    public var clock: any SchedulerClock = MonotonicSchedulerClock()

    public init() {}
}
