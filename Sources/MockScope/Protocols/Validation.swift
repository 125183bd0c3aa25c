/// A request a module accepted, read into what the decision needs.
public struct ValidatedRequest: Sendable {
    public var endpoint: Endpoint
    /// The parsed body (nil when empty); for modules without body knowledge, its text when not JSON.
    public var body: JSONValue?
    /// Whether the client asked for a stream.
    public var stream: Bool
    /// The catalog's row for the model the body names (nil: unknown, or no model).
    public var model: ModelInfo?

    public init(endpoint: Endpoint, body: JSONValue?, stream: Bool, model: ModelInfo? = nil) {
        self.endpoint = endpoint
        self.body = body
        self.stream = stream
        self.model = model
    }
}

/// What a module made of a request.
public enum Validation: Sendable {
    case valid(ValidatedRequest)
    /// Refused as the real service refuses it: the catalog's error, with this message when given.
    case refused(ErrorSpec, message: String? = nil)
}
