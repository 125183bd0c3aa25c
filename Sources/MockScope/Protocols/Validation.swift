/// A request a module accepted, read into what the decision needs.
public struct ValidatedRequest: Sendable {
    public var endpoint: Endpoint
    /// The parsed body (nil when empty); for modules without body knowledge, its text when not JSON.
    public var body: JSONValue?
    /// Whether the client asked for a stream.
    public var stream: Bool

    public init(endpoint: Endpoint, body: JSONValue?, stream: Bool) {
        self.endpoint = endpoint
        self.body = body
        self.stream = stream
    }
}

/// What a module made of a request.
public enum Validation: Sendable {
    case valid(ValidatedRequest)
    /// Refused as the real service refuses it: the catalog's error, with this message when given.
    case refused(ErrorSpec, message: String? = nil)
}
