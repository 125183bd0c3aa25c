import MockScopeHTTPTypes

/// A whole answer (status, headers, body) built once in libmicrohttpd's form and queued as is for
/// every request that gets it: no copy of its body and no header conversion per request. For the
/// answers a server gives again and again (a fixture replayed without faults).
public final class PreparedResponse: PreparedAnswer {
    public let status: Int
    /// The body's length.
    public let byteCount: Int
    let handle: ResponseHandle

    /// Nil when libmicrohttpd cannot allocate the response.
    public init?(status: Int, headers: HeaderFields, body: [UInt8]) {
        guard let raw = CallbackSeam.wholeResponse(body) else { return nil }
        CallbackSeam.addHeaders(headers, to: raw)
        self.status = status
        self.byteCount = body.count
        self.handle = ResponseHandle(raw: raw)
    }

    deinit { CallbackSeam.destroyResponse(handle) }
}

/// Prepares answers in libmicrohttpd's form (`PreparedResponse`).
public struct MicroHTTPDAnswerPreparer: AnswerPreparer {
    public init() {}
    public func prepare(status: Int, headers: HeaderFields, body: [UInt8]) -> (any PreparedAnswer)? {
        PreparedResponse(status: status, headers: headers, body: body)
    }
}
