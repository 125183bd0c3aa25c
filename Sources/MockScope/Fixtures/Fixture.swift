import MockScopeHTTPTypes

/// How a fixture's request body is compared with a live request's.
public enum MatchMode: String, Sendable {
    /// The fields that decide the answer must be equal (canonical JSON).
    case exact
    /// Every member the fixture names must be present with an equal value.
    case subset
}

/// What a request must look like to get a fixture's answer.
public struct RequestPattern: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    /// Headers that must be present with these values (names case-insensitive).
    public var headers: [(name: String, value: String)]
    /// nil: any body.
    public var body: JSONValue?
    public var match: MatchMode
    /// Dotted paths dropped from both sides before comparing.
    public var ignore: [String]
    /// Rewrites applied to both sides' strings before comparing (timestamps, UUIDs, ...).
    public var normalize: [Normalizer]
    /// The messages compared, when not all of them.
    public var messages: MessageWindow?

    public init(method: String, path: String, query: [String: String] = [:], headers: [(name: String, value: String)] = [],
                body: JSONValue? = nil, match: MatchMode = .exact, ignore: [String] = [], normalize: [Normalizer] = [],
                messages: MessageWindow? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.match = match
        self.ignore = ignore
        self.normalize = normalize
        self.messages = messages
    }

    /// How the body is compared.
    public var rule: MatchRule { MatchRule(ignore: ignore, normalizers: normalize, messages: messages) }
}

/// A recorded answer, rendered to bytes once at load.
public struct RecordedResponse: Sendable {
    public var status: Int
    public var headers: HeaderFields
    public var body: PlannedBody

    public init(status: Int, headers: HeaderFields, body: PlannedBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// One recorded exchange: a request pattern and the answer to replay, or several answers served
/// in order to repeated requests (an answer sequence: `responses`, `afterLast`).
public struct Fixture: Sendable {
    public var name: String
    /// Where it was loaded from (a file path, or `embedded:` for the built-in defaults).
    public var origin: String
    public var description: String?
    public var metadata: JSONValue?
    public var request: RequestPattern
    /// The answer (a sequence's first).
    public var response: RecordedResponse {
        get { responses[0] }
        set { responses[0] = newValue }
    }
    /// Every answer in the order they are served: `[response]` for a fixture of one.
    public var responses: [RecordedResponse]
    /// What a sequence serves after its last answer.
    public var afterLast: AfterLast
    /// The answer's completion tokens, read from its usage at load (for tokens-per-minute limits).
    public let completionTokens: Int

    public init(name: String, origin: String, description: String? = nil, metadata: JSONValue? = nil,
                request: RequestPattern, response: RecordedResponse) {
        self.init(name: name, origin: origin, description: description, metadata: metadata, request: request,
                  responses: [response], afterLast: .repeat)
    }

    /// An answer sequence (`responses` must not be empty).
    public init(name: String, origin: String, description: String? = nil, metadata: JSONValue? = nil,
                request: RequestPattern, responses: [RecordedResponse], afterLast: AfterLast) {
        precondition(!responses.isEmpty, "a fixture needs at least one response")
        self.init(name: name, origin: origin, description: description, metadata: metadata, request: request, responses: responses,
                  afterLast: afterLast, completionTokens: responses.map { Self.completionTokens(in: $0.body) }.max() ?? 0)
    }

    /// `self` (its name, request, metadata and answers) after `earlier`'s answers, with `earlier`'s
    /// `afterLast`: what loading a recorder's sequence document gives, without reading every
    /// earlier answer's usage again.
    public func following(_ earlier: Fixture) -> Fixture {
        Fixture(name: name, origin: origin, description: description, metadata: metadata, request: request,
                responses: earlier.responses + responses, afterLast: earlier.afterLast,
                completionTokens: max(earlier.completionTokens, completionTokens))
    }

    private init(name: String, origin: String, description: String?, metadata: JSONValue?, request: RequestPattern,
                 responses: [RecordedResponse], afterLast: AfterLast, completionTokens: Int) {
        self.name = name
        self.origin = origin
        self.description = description
        self.metadata = metadata
        self.request = request
        self.responses = responses
        self.afterLast = afterLast
        self.completionTokens = completionTokens
    }

    /// Whether it serves several answers in turn (such a fixture's decision is never memoized).
    public var isSequence: Bool { responses.count > 1 }

    /// The last `completion_tokens` / `output_tokens` count in a body (0 when there is none).
    static func completionTokens(in body: PlannedBody) -> Int {
        let bytes: [UInt8]
        switch body {
        case .whole(let whole): bytes = whole
        case .events(let events): bytes = events.suffix(3).flatMap(\.bytes)
        case .live: return 0
        }
        var best = 0
        for key in ["\"completion_tokens\":", "\"output_tokens\":"] {
            let needle = Array(key.utf8)
            guard bytes.count > needle.count else { continue }
            var index = bytes.count - needle.count
            while index >= 0 {
                if bytes[index] == needle[0], Array(bytes[index..<index + needle.count]) == needle {
                    var value = 0, cursor = index + needle.count
                    while cursor < bytes.count, bytes[cursor] == 32 { cursor += 1 }
                    // Capped: a usage count of absurd length must not overflow (found by fuzzing, BUG-1).
                    while cursor < bytes.count, (48...57).contains(bytes[cursor]) {
                        value = min(value * 10 + Int(bytes[cursor] - 48), 1_000_000_000_000)
                        cursor += 1
                    }
                    best = max(best, value)
                    break
                }
                index -= 1
            }
        }
        return best
    }

    /// An interrupted recording: replay ignores it.
    public var isPartial: Bool { metadata?["partial"]?.boolValue ?? false }

    /// The answer as a plan.
    public var plan: ResponsePlan { plan(at: 0) }

    /// The sequence's answer at `index` as a plan.
    public func plan(at index: Int) -> ResponsePlan {
        let answer = responses[index]
        return ResponsePlan(status: answer.status, headers: answer.headers, body: answer.body)
    }
}
