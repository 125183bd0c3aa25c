import MockScopeHTTPTypes

/// `POST /mockscope/oss`: MockScope's stand-in for the OSS bucket an upload policy points at
/// (`UploadPolicyModule`). It takes the SDK's form (`key`, `policy`, `Signature`, …, `file`) as OSS
/// does with `success_action_status=200` (an empty 200), keeps the file under its key in
/// `FileStore`, and asks for no bearer key (the policy stands for one). A form it cannot read gets
/// OSS's XML error [chosen: OSS `InvalidArgument`].
public struct OSSUploadModule: ProtocolModule {
    public static let path = "/mockscope/oss"

    public init() {}
    public var name: String { "oss-upload" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "POST" }
    public var asksForKey: Bool { false }

    public func endpoint(for path: String) -> Endpoint? { path == Self.path ? Endpoint(module: self) : nil }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        if case .string(let text)? = body, case .success(let multipart) = MultipartBody.parse(Array(text.utf8)) { return multipart.projection }
        return body.map(CanonicalJSON.normalized)
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        let boundary = MultipartBody.boundary(contentType: context.request.headers["content-type"] ?? "")
        guard let boundary, case .success(let form) = MultipartBody.parse(context.request.body, expectedBoundary: boundary) else {
            return Self.error("InvalidArgument", "The body is not a readable multipart/form-data upload.", requestID: context.requestID)
        }
        guard let key = form.part("key")?.text, !key.isEmpty, let file = form.part("file") else {
            return Self.error("InvalidArgument", "The upload needs a key field and a file field.", requestID: context.requestID)
        }
        FileStore.of(context).putObject(key, file.content)
        return ResponsePlan(status: 200, headers: HeaderFields([("x-oss-request-id", context.requestID), ("x-request-id", context.requestID)]),
                            body: .whole([]))
    }

    static func error(_ code: String, _ message: String, requestID: String) -> ResponsePlan {
        let xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<Error>\n  <Code>\(code)</Code>\n  <Message>\(message)</Message>\n  <RequestId>\(requestID)</RequestId>\n</Error>\n"
        return ResponsePlan(status: 400, headers: HeaderFields([("content-type", "application/xml"), ("x-request-id", requestID)]),
                            body: .whole(Array(xml.utf8)))
    }

    public func model(of body: JSONValue?) -> String? { nil }
    public func lastUserText(_ body: JSONValue?) -> String? { nil }
    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("other", "oss") }
}
