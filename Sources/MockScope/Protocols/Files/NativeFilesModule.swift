import MockScopeHTTPTypes

/// The native files API `dashscope.Files` speaks (fine-tune files; docs/protocol-notes.md, surface
/// §5): `POST /api/v1/files` (multipart `files`, repeatable, and `descriptions`), `GET /api/v1/files`
/// (`page_no`, `page_size`), `GET /api/v1/files/{id}`, `DELETE /api/v1/files/{id}`. Answers under a
/// top-level `data` (the SDK reads `output` from `data` or `output`) [shapes unverified, chosen].
/// Kept in `FileStore` apart from compatible mode's files (purpose `fine_tune`).
public struct NativeFilesModule: ProtocolModule {
    public static let path = "/api/v1/files"

    public init() {}
    public var name: String { "native-files" }
    public var errorProtocol: APIProtocol? { .native }

    public func endpoint(for path: String) -> Endpoint? {
        CollectionPath.endpoint(path, base: Self.path, module: self) { !$0.isEmpty && !$0.contains("/") }
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        let allowed = endpoint.detail.isEmpty ? ["GET", "POST"] : ["GET", "DELETE"]
        guard allowed.contains(request.method) else { return .refused(ErrorCatalog.methodNotAllowed, message: request.method) }
        return .valid(ValidatedRequest(endpoint: endpoint, body: GenericBody.parse(request.body), stream: false))
    }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        MultipartBody.projection(of: body)
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        let store = FileStore.of(context)
        let id = request.endpoint.detail
        let requestID = context.requestID
        switch (context.request.method, id.isEmpty) {
        case ("POST", true): return upload(context, store: store)
        case ("GET", true): return list(store, context: context)
        case ("GET", false):
            guard let file = store.file(id), file.purpose == .fineTune else { return errorDialect.answer(TaskErrors.notFound, requestID: requestID) }
            return Self.answer(requestID) { d in Self.describe(file, into: &d) }
        case ("DELETE", false):
            guard store.file(id)?.purpose == .fineTune, store.delete(id) else { return errorDialect.answer(TaskErrors.notFound, requestID: requestID) }
            return ChatSynthesis.wholePlan(#"{"request_id":"\#(requestID)"}"#, requestID: requestID)
        default: return nil
        }
    }

    func upload(_ context: ModuleContext, store: FileStore) -> ResponsePlan {
        let requestID = context.requestID
        let boundary = MultipartBody.boundary(contentType: context.request.headers["content-type"] ?? "")
        guard let boundary, case .success(let form) = MultipartBody.parse(context.request.body, expectedBoundary: boundary) else {
            return errorPlan(ErrorCatalog.invalidParameter, requestID: requestID,
                             message: "An upload must be a readable multipart/form-data body with files parts.")
        }
        let descriptions = form.parts.filter { $0.name == "descriptions" }.map(\.text)
        let files = form.parts.filter { $0.name == "files" && $0.filename != nil }
        guard !files.isEmpty else {
            return errorPlan(ErrorCatalog.invalidParameter, requestID: requestID, message: "Field required: files")
        }
        let stored = files.enumerated().map { index, part in
            store.add(prefix: "file-ft-", filename: part.filename ?? "", purpose: .fineTune, content: part.content, at: context.nowMs,
                      description: index < descriptions.count ? descriptions[index] : nil)
        }
        return Self.answer(requestID) { d in
            d.field("uploaded_files", array: stored.map { file in { w in
                w.object { o in
                    o.field("file_id", string: file.id)
                    o.field("name", string: file.filename)
                }
            } })
            d.field("failed_uploads", array: [])
        }
    }

    func list(_ store: FileStore, context: ModuleContext) -> ResponsePlan {
        var pageNo = 1, pageSize = 10
        for (name, value) in context.request.query {
            guard name == "page_no" || name == "page_size" else { continue }
            guard let number = Int(value), number >= 1, name == "page_no" || number <= TaskListQuery.maxPageSize else {
                return errorPlan(ErrorCatalog.invalidParameter, requestID: context.requestID,
                                 message: "\(name) must be a whole number from 1\(name == "page_size" ? " to \(TaskListQuery.maxPageSize)" : " up").")
            }
            if name == "page_no" { pageNo = number } else { pageSize = number }
        }
        let files = store.all().reversed().filter { $0.purpose == .fineTune }
        let page = files.dropFirst((pageNo - 1) * pageSize).prefix(pageSize)
        return Self.answer(context.requestID) { d in
            d.field("total", .number(Double(files.count)))
            d.field("page_no", .number(Double(pageNo)))
            d.field("page_size", .number(Double(pageSize)))
            d.field("files", array: page.map { file in { w in w.object { Self.describe(file, into: &$0) } } })
        }
    }

    static func describe(_ file: StoredFile, into d: inout JSONWriter.ObjectWriter) {
        d.field("file_id", string: file.id)
        d.field("name", string: file.filename)
        d.field("description", string: file.description ?? "")
        d.field("size", .number(Double(file.content.count)))
        d.field("gmt_create", string: MockTime.taskStamp(file.createdMs))
    }

    /// `{"request_id":…,"data":{…}}`.
    static func answer(_ requestID: String, _ data: (inout JSONWriter.ObjectWriter) -> Void) -> ResponsePlan {
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: requestID)
            o.field("data", object: data)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }

    /// One label per operation, not per file id.
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String {
        endpoint.detail.isEmpty ? path : Self.path + "/{file_id}"
    }

    public func model(of body: JSONValue?) -> String? { nil }
    public func lastUserText(_ body: JSONValue?) -> String? { nil }
    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("native", "files") }
}
