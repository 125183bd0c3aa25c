/// A whole answer (status, headers, body) built once in the HTTP layer's own form and sent as is
/// to every request that gets it: no copy of its body and no header conversion per request.
public protocol PreparedAnswer: AnyObject, Sendable {
    var status: Int { get }
    /// The body's length.
    var byteCount: Int { get }
}

/// Builds prepared answers. The HTTP layer that has such a form offers one; without it (an
/// in-memory run) answers go out as plain bytes.
public protocol AnswerPreparer: Sendable {
    /// Nil when the answer cannot be prepared (the caller sends it as bytes).
    func prepare(status: Int, headers: HeaderFields, body: [UInt8]) -> (any PreparedAnswer)?
}
