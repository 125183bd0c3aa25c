import MockScopeHTTPTypes

/// What a request looks like to the store: computed once per request.
public struct MatchInput: Sendable {
    public var method: String
    public var path: String
    public var endpoint: Endpoint
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    /// The parsed body (nil when empty or not JSON).
    public var body: JSONValue?
    /// `Matcher.project` of the body.
    public var projection: JSONValue?

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)], body: JSONValue?, endpoint: Endpoint? = nil) {
        self.method = method
        self.path = path
        self.endpoint = endpoint ?? Endpoint(path: path)
        self.query = query
        self.headers = headers
        self.body = body
        self.projection = Matcher.project(self.endpoint, headers: headers, body: body)
    }

    /// `request` as the store matches it, with its parsed `body` (the pipeline's stages).
    init(_ request: HTTPRequest, endpoint: Endpoint, body: JSONValue?) {
        self.init(method: request.method, path: request.path, query: request.query, headers: request.headers.fields,
                  body: body, endpoint: endpoint)
    }
}
