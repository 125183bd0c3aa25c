import MockScopeHTTPTypes

/// Compatible mode's files API (docs/protocol-notes.md, files): `POST /compatible-mode/v1/files`
/// (multipart `file` + `purpose`), `GET /files` (list: `after`, `limit`, `purpose`), `GET
/// /files/{id}`, `DELETE /files/{id}`, `GET /files/{id}/content`. Files live in `FileStore`; an
/// upload is storage, not synthesis, so these answer whatever `--unmatched` says. Multipart
/// bodies match fixtures by their parts, never by the boundary (`MultipartBody.projection`).
public struct CompatibleFilesModule: ProtocolModule {
    public static let path = "/compatible-mode/v1/files"
    static let contentSuffix = "/content"
    /// The list's `limit` (1–2000, default 2000).
    static let listLimits = 1...2000

    public init() {}
    public var name: String { "compatible-files" }
    public var errorProtocol: APIProtocol? { .compatible }

    public func endpoint(for path: String) -> Endpoint? {
        CollectionPath.endpoint(path, base: Self.path, module: self) { Self.operation($0, method: nil) != nil }
    }

    enum Operation: Equatable {
        case upload, list, retrieve(String), delete(String), content(String)

        var method: String {
            switch self {
            case .upload: "POST"
            case .delete: "DELETE"
            default: "GET"
            }
        }
    }

    /// What a path's rest and method name (nil method: any that the path takes).
    static func operation(_ detail: String, method: String?) -> Operation? {
        if detail.isEmpty { return method == "POST" ? .upload : .list }
        if detail.hasSuffix(contentSuffix) {
            let id = String(detail.dropLast(contentSuffix.count))
            return id.isEmpty || id.contains("/") ? nil : .content(id)
        }
        if detail.contains("/") { return nil }
        return method == "DELETE" ? .delete(detail) : .retrieve(detail)
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        guard let operation = Self.operation(endpoint.detail, method: request.method), operation.method == request.method else {
            return .refused(ErrorCatalog.methodNotAllowed, message: request.method)
        }
        return .valid(ValidatedRequest(endpoint: endpoint, body: GenericBody.parse(request.body), stream: false))
    }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        MultipartBody.projection(of: body)
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        let store = FileStore.of(context)
        let requestID = context.requestID
        guard let operation = Self.operation(request.endpoint.detail, method: context.request.method) else { return nil }
        switch operation {
        case .upload:
            switch Self.upload(context.request) {
            case .failure(let refusal): return errorDialect.answer(refusal.error, requestID: requestID)
            case .success(let (filename, purpose, content)):
                let prefix = purpose == .batch ? "file-batch-" : "file-fe-"
                let file = store.add(prefix: prefix, filename: filename, purpose: purpose, content: content, at: context.nowMs)
                return ChatSynthesis.wholePlan(file.json, requestID: requestID)
            }
        case .list:
            return list(store.all(), query: context.request.query, requestID: requestID)
        case .retrieve(let id):
            guard let file = store.file(id), file.purpose != .fineTune else { return errorDialect.answer(FileErrors.notFound(id), requestID: requestID) }
            return ChatSynthesis.wholePlan(file.json, requestID: requestID)
        case .delete(let id):
            guard store.file(id)?.purpose != .fineTune, store.delete(id) else { return errorDialect.answer(FileErrors.notFound(id), requestID: requestID) }
            return ChatSynthesis.wholePlan(#"{"object":"file","deleted":true,"id":"\#(id)"}"#, requestID: requestID)
        case .content(let id):
            guard let file = store.file(id), file.purpose != .fineTune else { return errorDialect.answer(FileErrors.notFound(id), requestID: requestID) }
            guard file.isDownloadable else { return errorDialect.answer(FileErrors.notDownloadable, requestID: requestID) }
            return ResponsePlan(status: 200, headers: HeaderFields([("content-type", "application/octet-stream"), ("x-request-id", requestID)]),
                                body: .whole(file.content))
        }
    }

    /// An upload refused, in the files API's words.
    struct Refusal: Error {
        var error: StatedError
        init(_ error: StatedError) { self.error = error }
    }

    /// The file name, purpose and bytes of an upload, or the refusal.
    static func upload(_ request: HTTPRequest) -> Result<(String, StoredFile.Purpose, [UInt8]), Refusal> {
        let contentType = request.headers["content-type"] ?? ""
        guard let boundary = MultipartBody.boundary(contentType: contentType) else {
            return .failure(Refusal(FileErrors.badUpload("An upload must be multipart/form-data with a boundary (got \(contentType.isEmpty ? "no Content-Type" : contentType)).")))
        }
        let multipart: MultipartBody
        switch MultipartBody.parse(request.body, expectedBoundary: boundary) {
        case .failure(let malformed): return .failure(Refusal(FileErrors.badUpload("The multipart body cannot be read: \(malformed.reason).")))
        case .success(let parsed): multipart = parsed
        }
        guard let file = multipart.part("file"), let filename = file.filename else {
            return .failure(Refusal(FileErrors.badUpload("The upload has no file part (a part named file, with a filename).")))
        }
        let named = multipart.part("purpose")?.text ?? ""
        guard let purpose = StoredFile.Purpose(rawValue: named), StoredFile.Purpose.uploadable.contains(purpose) else {
            return .failure(Refusal(FileErrors.badUpload("purpose must be file-extract or batch (got \"\(named)\").")))
        }
        guard file.content.count <= purpose.maxBytes else { return .failure(Refusal(FileErrors.tooLarge)) }
        return .success((filename, purpose, file.content))
    }

    /// `{"object":"list","has_more":…,"data":[…]}`: newest first, after `after`, at most `limit`, of `purpose`.
    func list(_ files: [StoredFile], query: [(name: String, value: String)], requestID: String) -> ResponsePlan {
        var limit = Self.listLimits.upperBound
        var after: String?
        var purpose: String?
        for (name, value) in query {
            switch name {
            case "limit":
                guard let number = Int(value), Self.listLimits.contains(number) else {
                    return errorDialect.answer(FileErrors.badListParameter("limit must be a whole number from 1 to 2000."), requestID: requestID)
                }
                limit = number
            case "after": after = value
            case "purpose": purpose = value
            default: break
            }
        }
        var newestFirst = Array(files.reversed().filter { $0.purpose != .fineTune && (purpose == nil || $0.purpose.rawValue == purpose) })
        if let after, let index = newestFirst.firstIndex(where: { $0.id == after }) { newestFirst = Array(newestFirst[(index + 1)...]) }
        let page = newestFirst.prefix(limit)
        var writer = JSONWriter()
        writer.object { o in
            o.field("object", string: "list")
            o.field("has_more", .bool(newestFirst.count > page.count))
            o.field("data", array: page.map { file in { w in w.object { file.object(into: &$0) } } })
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }

    /// One label per operation, not per file id.
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String {
        if endpoint.detail.isEmpty { return path }
        return Self.path + "/{file_id}" + (endpoint.detail.hasSuffix(Self.contentSuffix) ? Self.contentSuffix : "")
    }

    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("compat", "files") }
    public func lastUserText(_ body: JSONValue?) -> String? { nil }
}
