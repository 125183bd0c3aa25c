import MockScopeHTTP

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

    public init(method: String, path: String, query: [String: String] = [:], headers: [(name: String, value: String)] = [],
                body: JSONValue? = nil, match: MatchMode = .exact, ignore: [String] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.match = match
        self.ignore = ignore
    }
}

/// A recorded answer, rendered to bytes once at load.
public struct RecordedResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: ResponsePlan.Body

    public init(status: Int, headers: HTTPHeaders, body: ResponsePlan.Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// One recorded exchange: a request pattern and the answer to replay.
public struct Fixture: Sendable {
    public var name: String
    /// Where it was loaded from (a file path, or `embedded:` for the built-in defaults).
    public var origin: String
    public var description: String?
    public var metadata: JSONValue?
    public var request: RequestPattern
    public var response: RecordedResponse

    public init(name: String, origin: String, description: String? = nil, metadata: JSONValue? = nil,
                request: RequestPattern, response: RecordedResponse) {
        self.name = name
        self.origin = origin
        self.description = description
        self.metadata = metadata
        self.request = request
        self.response = response
    }

    /// An interrupted recording: replay ignores it.
    public var isPartial: Bool { metadata?["partial"]?.boolValue ?? false }

    /// The answer as a plan.
    public var plan: ResponsePlan {
        ResponsePlan(status: response.status, headers: response.headers, body: response.body)
    }
}
