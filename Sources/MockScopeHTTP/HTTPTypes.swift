/// Header fields in arrival order, looked up case-insensitively.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// The first value of `name` (case-insensitive), or nil.
    public subscript(_ name: String) -> String? {
        for field in fields where field.name.caseInsensitiveEquals(name) { return field.value }
        return nil
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Replaces every field named `name` by one with `value`.
    public mutating func set(_ name: String, _ value: String) {
        fields.removeAll { $0.name.caseInsensitiveEquals(name) }
        fields.append((name, value))
    }

    public mutating func remove(_ name: String) { fields.removeAll { $0.name.caseInsensitiveEquals(name) } }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

extension String {
    /// Whether `needle` (ASCII, lower case) occurs in this string, ignoring ASCII case. Byte-level:
    /// used on the request path, where Foundation's string search costs too much.
    public func containsASCIICaseInsensitive(_ needle: String) -> Bool {
        if let found = utf8.withContiguousStorageIfAvailable({ hay in
            needle.utf8.withContiguousStorageIfAvailable { pattern in Self.asciiLowerContains(hay, pattern) }
        }), let found { return found }
        return Array(utf8).withUnsafeBufferPointer { hay in Array(needle.utf8).withUnsafeBufferPointer { Self.asciiLowerContains(hay, $0) } }
    }

    private static func asciiLowerContains(_ hay: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !pattern.isEmpty else { return true }
        guard hay.count >= pattern.count else { return false }
        outer: for start in 0...(hay.count - pattern.count) {
            for offset in 0..<pattern.count {
                let byte = hay[start + offset]
                let lower = (byte >= 65 && byte <= 90) ? byte + 32 : byte
                if lower != pattern[offset] { continue outer }
            }
            return true
        }
        return false
    }

    /// The string without leading and trailing spaces and tabs (no Foundation).
    public var trimmedSpaces: String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last,
              first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return self }
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// ASCII case-insensitive comparison, enough for HTTP field names. Reads both strings in
    /// place (no copies: it runs for every header field of every request).
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        if let result = utf8.withContiguousStorageIfAvailable({ x in
            other.utf8.withContiguousStorageIfAvailable { y in Self.asciiCaseInsensitiveEqual(x, y) }
        }), let result { return result }
        return Self.asciiCaseInsensitiveEqual(Array(utf8), Array(other.utf8))
    }

    private static func asciiCaseInsensitiveEqual<C: RandomAccessCollection>(_ x: C, _ y: C) -> Bool where C.Element == UInt8, C.Index == Int {
        for index in 0..<x.count {
            let a = x[x.startIndex + index], b = y[y.startIndex + index]
            if a == b { continue }
            let la = a | 0x20
            guard la == b | 0x20, la >= 0x61, la <= 0x7A else { return false }
        }
        return true
    }
}

/// A complete HTTP request as the HTTP layer hands it to its handler.
public struct HTTPRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// True when the body was larger than the server's limit; `body` then holds only its start.
    public var bodyTooLarge: Bool
    /// Monotonic time (ns) at which the request was complete.
    public var receivedAt: UInt64

    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], bodyTooLarge: Bool = false, receivedAt: UInt64 = MonotonicClock.now()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.bodyTooLarge = bodyTooLarge
        self.receivedAt = receivedAt
    }
}

/// Request framing that invites smuggling or that libmicrohttpd would wait on forever: both
/// Content-Length and Transfer-Encoding, two different Content-Lengths, or a transfer coding other
/// than `chunked` alone. Returns why, or nil when the framing is sound.
public func unsafeFraming(_ headers: HTTPHeaders) -> String? {
    // The common case, one plain Content-Length or none and no Transfer-Encoding, costs one pass.
    var lengthFields = 0, codingFields = 0
    var lengthValue: String?
    let fields = headers.fields
    for index in fields.indices {
        // By length first: most fields are ruled out without comparing a byte.
        switch fields[index].name.utf8.count {
        case 14: if fields[index].name.caseInsensitiveEquals("content-length") { lengthFields += 1; lengthValue = fields[index].value }
        case 17: if fields[index].name.caseInsensitiveEquals("transfer-encoding") { codingFields += 1 }
        default: break
        }
    }
    if codingFields == 0, lengthFields <= 1 {
        guard let lengthValue else { return nil }
        return UInt64(lengthValue.trimmedSpaces) == nil ? "a Content-Length that is not a number" : nil
    }
    let lengths = headers.fields.filter { $0.name.caseInsensitiveEquals("content-length") }.map { $0.value.trimmedSpaces }
    let codings = headers.fields.filter { $0.name.caseInsensitiveEquals("transfer-encoding") }.map { $0.value.trimmedSpaces }
    if !lengths.isEmpty, !codings.isEmpty { return "both Content-Length and Transfer-Encoding" }
    if Set(lengths).count > 1 { return "two different Content-Length values" }
    if let length = lengths.first, UInt64(length) == nil { return "a Content-Length that is not a number" }
    if !codings.isEmpty, codings.count > 1 || !codings[0].caseInsensitiveEquals("chunked") {
        return "a transfer coding other than chunked"
    }
    return nil
}

/// One piece of a streamed body, due `offsetNanos` after the request was received.
public struct TimedChunk: Sendable, Equatable {
    public var offsetNanos: UInt64
    public var bytes: [UInt8]
    public init(offsetNanos: UInt64, bytes: [UInt8]) {
        self.offsetNanos = offsetNanos
        self.bytes = bytes
    }
}

/// How a streamed body ends once its chunks are sent.
public enum StreamEnding: Sendable, Equatable {
    /// The terminating chunk: a normal end.
    case complete
    /// Close the connection without the terminating chunk.
    case drop
    /// Close with a TCP reset.
    case reset
    /// Send nothing more and keep the connection open for `nanos` (nil: until the client leaves),
    /// then close without the terminating chunk.
    case stall(nanos: UInt64?)
}

/// The body of a response.
public enum HTTPBody: Sendable {
    case bytes([UInt8])
    case stream([TimedChunk], ending: StreamEnding)
    /// Status, headers and body supplied later by a producer (the response's own status and
    /// headers are ignored).
    case live(LiveResponse)
    /// A whole answer already in libmicrohttpd's form, shared by every request that gets it.
    case prepared(PreparedResponse)
}

/// What the HTTP layer sends back.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: HTTPBody
    /// Wait this long (ns, from the request) before the status line; `nil` = no wait.
    public var headerDelayNanos: UInt64?
    /// Never answer: keep the connection open until the client goes away (or `hangNanos` passes,
    /// then close it without a byte).
    public var hang: Bool
    public var hangNanos: UInt64?
    /// Opaque object given back in `HTTPHandler.completed`, e.g. a journal record. An object (not
    /// any value): copying it is one retain, which the request path does several times.
    public var tag: (any AnyObject & Sendable)?

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: HTTPBody = .bytes([]),
                headerDelayNanos: UInt64? = nil, hang: Bool = false, hangNanos: UInt64? = nil, tag: (any AnyObject & Sendable)? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.headerDelayNanos = headerDelayNanos
        self.hang = hang
        self.hangNanos = hangNanos
        self.tag = tag
    }
}

/// How an exchange ended, reported once per request.
public struct HTTPOutcome: Sendable {
    public var status: Int
    public var bytesSent: Int
    public var durationNanos: UInt64
    /// The client went away (or the connection failed) before the response was complete.
    public var clientWentAway: Bool
    public var tag: (any AnyObject & Sendable)?

    public init(status: Int, bytesSent: Int, durationNanos: UInt64, clientWentAway: Bool, tag: (any AnyObject & Sendable)?) {
        self.status = status
        self.bytesSent = bytesSent
        self.durationNanos = durationNanos
        self.clientWentAway = clientWentAway
        self.tag = tag
    }
}

/// The HTTP layer's one client: turns each request into a response. Called on a libmicrohttpd
/// thread: it must be quick and must never wait.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse
    func completed(_ request: HTTPRequest, outcome: HTTPOutcome)
}

/// Monotonic nanoseconds.
public enum MonotonicClock {
    public static func now() -> UInt64 { DispatchTimeNow.nanos() }
}
