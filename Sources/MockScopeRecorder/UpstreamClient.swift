import AsyncHTTPClient
import Foundation
import MockScopeHTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Where recordings come from: any base URL (`http://127.0.0.1:8090` in tests), or a DashScope region.
public struct Upstream: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    public var host: String
    public var port: Int?
    /// A path prefix put before every request's path (usually empty).
    public var basePath: String

    /// DashScope's regions (docs/protocol-notes.md native §1).
    public enum Region: String, Sendable, CaseIterable {
        case beijing, singapore, us

        public var baseURL: String {
            switch self {
            case .beijing: return "https://dashscope.aliyuncs.com"
            case .singapore: return "https://dashscope-intl.aliyuncs.com"
            case .us: return "https://dashscope-us.aliyuncs.com"
            }
        }
    }

    /// Parses `scheme://host[:port][/prefix]`. A trailing `/api/v1` or `/compatible-mode/v1` (an SDK
    /// base URL pasted as is) is dropped: the client's paths already carry it.
    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw RecordingError("--upstream must be an http:// or https:// URL with a host (got \"\(url)\")")
        }
        guard components.query == nil, components.fragment == nil else {
            throw RecordingError("--upstream must not have a query or fragment (got \"\(url)\")")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        for suffix in ["/api/v1", "/compatible-mode/v1"] where path.hasSuffix(suffix) { path.removeLast(suffix.count) }
        self.scheme = scheme
        self.host = host
        self.port = components.port
        self.basePath = path
    }

    public init(region: Region) {
        try! self.init(url: region.baseURL)
    }

    /// `host` or `host:port`, for metadata and logs.
    public var hostDescription: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port.map { "\(name):\($0)" } ?? name
    }

    public var baseURL: String { "\(scheme)://\(hostDescription)\(basePath)" }
    public var description: String { baseURL }
}

/// Hears one upstream exchange as it happens: the head, each body chunk as it arrives, then the
/// end or a failure (exactly one of the two). Called on an event-loop thread, one call at a time:
/// never block in it.
public protocol UpstreamSink: AnyObject, Sendable {
    func upstreamHead(status: Int, headers: HeaderFields)
    /// One chunk. Returns false to pause the upstream read (backpressure): the client is
    /// reading slower than the upstream sends. The sink then calls `resume` exactly once, when
    /// reading may go on; when it returns true it never calls `resume`.
    func upstreamBody(_ bytes: [UInt8], resume: @escaping @Sendable () -> Void) -> Bool
    func upstreamEnd()
    /// Also after `cancel()` (and before any head when the upstream could not be reached).
    func upstreamFailed(_ error: any Error)
}

/// One request under way upstream.
public final class UpstreamCall: Sendable {
    let task: HTTPClient.Task<Void>?
    init(task: HTTPClient.Task<Void>?) { self.task = task }
    /// Cancels the upstream request (the sink hears `upstreamFailed`).
    public func cancel() { task?.cancel() }
}

/// AsyncHTTPClient's delegate: passes everything on to the sink as it arrives, on the event loop
/// (not Swift concurrency's pool, whose threads a busy host may hold: the chunks' timing must not
/// depend on it).
final class SinkDelegate: HTTPClientResponseDelegate {
    typealias Response = Void
    let sink: any UpstreamSink

    init(sink: any UpstreamSink) { self.sink = sink }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        var headers = HeaderFields()
        for (name, value) in head.headers { headers.add(name, value) }
        sink.upstreamHead(status: Int(head.status.code), headers: headers)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    /// AsyncHTTPClient reads no more of the body until the returned future completes: while the
    /// sink says the client's queue is full, the upstream's bytes wait in the kernel (and TCP
    /// slows the upstream), not in MockScope's memory.
    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let promise = task.eventLoop.makePromise(of: Void.self)
        if sink.upstreamBody(Array(buffer.readableBytesView), resume: { promise.succeed(()) }) {
            promise.succeed(())
        }
        return promise.futureResult
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) { sink.upstreamFailed(error) }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws { sink.upstreamEnd() }
}

/// Forwards requests to the upstream over one shared AsyncHTTPClient (HTTPS with certificate
/// verification, redirects passed through, not followed). `shutdown()` when the server stops.
public final class UpstreamClient: Sendable {
    public let upstream: Upstream
    private let client: HTTPClient
    /// One event loop of its own: the connection's reads and the delegate's callbacks then run on
    /// the same thread. With the shared multi-threaded group, each chunk hopped to another loop's
    /// thread before reaching the client (one more thread wake-up per event: bench figure 4).
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let shutDown = Mutex(false)

    /// `readTimeout`: the longest silence from the upstream (before its head or between chunks).
    public init(upstream: Upstream, connectTimeout: TimeAmount = .seconds(10), readTimeout: TimeAmount = .seconds(300)) {
        self.upstream = upstream
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: connectTimeout, read: readTimeout),
            decompression: .disabled)
        configuration.httpVersion = .automatic
        // The default (8 HTTP/1 connections per host) makes the 9th concurrent stream wait for a
        // whole upstream answer (bench figure 4): a recording proxy must not queue its clients.
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
    }

    /// Stops the client (in-flight requests fail) and waits for it, unless called on one of its
    /// event loops (then it only starts the shutdown). Safe to call twice.
    public func shutdown() {
        let first = shutDown.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        if MultiThreadedEventLoopGroup.currentEventLoop == nil {
            try? client.shutdown().wait()
            try? group.syncShutdownGracefully()
        } else {
            Self.shutDownLater(client, group)
        }
    }

    deinit {
        // The last reference may go on an event loop (a finished exchange): never wait there.
        if !shutDown.withLock({ $0 }) { Self.shutDownLater(client, group) }
    }

    /// Stops the client, then its event loop, off the loop's own thread and without waiting.
    private static func shutDownLater(_ client: HTTPClient, _ group: MultiThreadedEventLoopGroup) {
        client.shutdown().whenComplete { _ in
            DispatchQueue.global().async { group.shutdownGracefully(queue: .global()) { _ in } }
        }
    }

    /// Request headers never forwarded: hop-by-hop ones (and those the `Connection` header names),
    /// `Host` (the upstream's is set), `Content-Length` (set from the body), `Expect`, MockScope's
    /// own `X-MockScope-*`, and `Accept-Encoding`, replaced by `identity`: the upstream then sends
    /// plain bytes, which pass through event by event and are recorded as text; a gzip-compressed
    /// stream could neither be split into events nor written as a fixture's text. The client loses
    /// nothing it must have: identity is always acceptable.
    static let droppedRequestHeaders: Set<String> = ["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                                                     "host", "content-length", "expect", "accept-encoding", "http2-settings"]

    /// Response headers not passed to the client: hop-by-hop ones, and the framing, which the HTTP
    /// layer does itself.
    static let droppedResponseHeaders: Set<String> = ["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                                                      "content-length", "proxy-connection"]

    /// The headers sent upstream for a client's headers.
    public static func forwardedHeaders(_ headers: HeaderFields) -> [(name: String, value: String)] {
        var named: Set<String> = []
        for field in headers where field.name.caseInsensitiveEquals("connection") {
            for token in field.value.split(separator: ",") { named.insert(token.trimmingCharacters(in: .whitespaces).lowercased()) }
        }
        var result: [(name: String, value: String)] = []
        for field in headers {
            let lower = field.name.lowercased()
            if droppedRequestHeaders.contains(lower) || named.contains(lower) || lower.hasPrefix("proxy-") || lower.hasPrefix("x-mockscope-") {
                continue
            }
            result.append((field.name, field.value))
        }
        result.append(("Accept-Encoding", "identity"))
        return result
    }

    /// The headers passed to the client for the upstream's.
    public static func clientHeaders(_ headers: HeaderFields) -> HeaderFields {
        HeaderFields(headers.fields.filter { !droppedResponseHeaders.contains($0.name.lowercased()) })
    }

    /// RFC 3986 unreserved characters kept, everything else percent-encoded.
    public static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    /// The upstream URL for a request: base, path (as received, re-encoded), query.
    public func url(for request: HTTPRequest) -> String {
        let path = request.path.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.percentEncode(String($0)) }.joined(separator: "/")
        var url = upstream.baseURL + path
        if !request.query.isEmpty {
            url += "?" + request.query.map { "\(Self.percentEncode($0.name))=\(Self.percentEncode($0.value))" }.joined(separator: "&")
        }
        return url
    }

    /// Sends the request as the client sent it; `sink` hears the answer as it arrives.
    public func start(_ request: HTTPRequest, sink: any UpstreamSink) -> UpstreamCall {
        var headers = NIOHTTP1.HTTPHeaders()
        for field in Self.forwardedHeaders(request.headers) { headers.add(name: field.name, value: field.value) }
        let body: HTTPClient.Body? = !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) ? .bytes(request.body) : nil
        let outgoing: HTTPClient.Request
        do {
            outgoing = try HTTPClient.Request(url: url(for: request), method: HTTPMethod(rawValue: request.method), headers: headers, body: body)
        } catch {
            sink.upstreamFailed(error)
            return UpstreamCall(task: nil)
        }
        if shutDown.withLock({ $0 }) {
            sink.upstreamFailed(RecordingError("the recorder is stopped"))
            return UpstreamCall(task: nil)
        }
        return UpstreamCall(task: client.execute(request: outgoing, delegate: SinkDelegate(sink: sink)))
    }
}
