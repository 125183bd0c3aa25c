import MockScopeHTTPTypes

/// `GET /api/v1/uploads?action=getPolicy&model=…`: the upload credential the dashscope SDK asks for
/// before it sends a local file (`file://…`) to a model (dashscope `utils/oss_utils.py`;
/// docs/protocol-notes.md, uploads). The policy's `upload_host` is MockScope itself
/// (`OSSUploadModule`), so the SDK's form upload lands here; the SDK then sends `oss://<key>` with
/// `X-DashScope-OssResourceResolve: enable`. Deterministic per model: a recorded call that carries
/// the `oss://` key replays.
public struct UploadPolicyModule: ProtocolModule {
    public static let path = "/api/v1/uploads"
    /// How long the real credential lasts, in seconds (tmpurl doc example).
    static let expireSeconds = 300

    public init() {}
    public var name: String { "upload-policy" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "GET" }

    public func endpoint(for path: String) -> Endpoint? { path == Self.path ? Endpoint(module: self) : nil }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        let action = request.query.first { $0.name == "action" }?.value
        guard action == "getPolicy" else {
            return .refused(ErrorCatalog.invalidParameter, message: "Required parameter(action) missing or invalid, please check the request parameters.")
        }
        guard let model = request.query.first(where: { $0.name == "model" })?.value, !model.isEmpty else {
            return .refused(ErrorCatalog.emptyModel)
        }
        return .valid(ValidatedRequest(endpoint: endpoint, body: .object(["model": .string(model)]), stream: false))
    }

    /// Where uploads for `model` go: `dashscope-instant/mockscope/<hash of the model>`.
    static func uploadDirectory(model: String) -> String { "dashscope-instant/mockscope/" + StableHash(model).hex(16) }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard let model = request.body?["model"]?.stringValue else { return nil }
        let hash = StableHash(model).derived("policy")
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: context.requestID)
            o.field("data", object: { d in
                d.field("policy", string: "mockscope-policy-" + hash.hex(32))
                d.field("signature", string: hash.derived("signature").hex(28))
                d.field("upload_dir", string: Self.uploadDirectory(model: model))
                d.field("upload_host", string: context.baseURL + OSSUploadModule.path)
                d.field("expire_in_seconds", .number(Double(Self.expireSeconds)))
                d.field("max_file_size_mb", .number(100))
                d.field("capacity_limit_mb", .number(999_999_999))
                d.field("oss_access_key_id", string: "LTAI-mockscope")
                d.field("x_oss_object_acl", string: "private")
                d.field("x_oss_forbid_overwrite", string: "true")
            })
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: context.requestID)
    }

    public func model(of body: JSONValue?) -> String? { body?["model"]?.stringValue }
    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("native", "uploads") }
}
