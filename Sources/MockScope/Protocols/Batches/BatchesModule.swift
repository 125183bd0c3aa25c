import MockScopeHTTPTypes

/// Compatible mode's batch API (docs/protocol-notes.md, batches): `POST /compatible-mode/v1/batches`
/// (create, `--unmatched synthesize`: its lines are answered by the endpoint's synthesis), `GET
/// /batches` (list: `after`, `limit`, `status`, `ds_name`), `GET /batches/{id}`, `POST
/// /batches/{id}/cancel`. A batch moves `validating → in_progress → finalizing → completed` on
/// MockScope's clock (`Batch`); once completed its output file (and error file, for bad lines) is
/// in the files API.
public struct BatchesModule: ProtocolModule {
    public static let path = "/compatible-mode/v1/batches"
    static let cancelSuffix = "/cancel"
    /// The list's `limit` (1–100, default 20).
    static let listLimits = 1...100
    static let defaultListLimit = 20

    public init() {}
    public var name: String { "batches" }
    public var errorProtocol: APIProtocol? { .compatible }

    public func endpoint(for path: String) -> Endpoint? {
        CollectionPath.endpoint(path, base: Self.path, module: self) { Self.operation($0, method: nil) != nil }
    }

    enum Operation: Equatable {
        case create, list, retrieve(String), cancel(String)

        var method: String {
            switch self {
            case .create, .cancel: "POST"
            default: "GET"
            }
        }
    }

    static func operation(_ detail: String, method: String?) -> Operation? {
        if detail.isEmpty { return method == "POST" ? .create : .list }
        if detail.hasSuffix(cancelSuffix) {
            let id = String(detail.dropLast(cancelSuffix.count))
            return id.isEmpty || id.contains("/") ? nil : .cancel(id)
        }
        return detail.contains("/") ? nil : .retrieve(detail)
    }

    /// What a create asks for.
    struct Order {
        var inputFileID: String
        var endpoint: String
        var completionWindow: String
        var windowSeconds: Int
        var metadata: JSONValue?
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        guard let operation = Self.operation(endpoint.detail, method: request.method), operation.method == request.method else {
            return .refused(ErrorCatalog.methodNotAllowed, message: request.method)
        }
        guard operation == .create else {
            return .valid(ValidatedRequest(endpoint: endpoint, body: GenericBody.parse(request.body), stream: false))
        }
        let parsed = ChatRequestChecks.jsonObject(request, heads: heads)
        guard case .success(let (body, _)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        if case .failure(let refusal) = Self.order(body) { return refusal.validation }
        return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: false))
    }

    static func order(_ body: JSONValue) -> Result<Order, ChatRequestChecks.Refusal> {
        guard let input = body["input_file_id"]?.stringValue, !input.isEmpty else {
            return .failure(.init(ErrorCatalog.invalidParameter, "Field required: input_file_id"))
        }
        guard let endpoint = body["endpoint"]?.stringValue, BatchRunner.endpoints[endpoint] != nil else {
            return .failure(.init(ErrorCatalog.invalidParameter,
                                  "endpoint must be one of \(BatchRunner.endpoints.keys.sorted().joined(separator: ", "))."))
        }
        let window = body["completion_window"]?.stringValue ?? "24h"
        guard let seconds = completionSeconds(window) else {
            return .failure(.init(ErrorCatalog.invalidParameter, "completion_window must be a whole number of hours (24h to 336h) or days (1d to 14d)."))
        }
        let metadata = body["metadata"]
        if let metadata, metadata != .null {
            guard let fields = metadata.objectValue else { return .failure(.init(ErrorCatalog.invalidParameter, "metadata must be an object.")) }
            if let name = fields["ds_name"]?.stringValue, name.count > 100 {
                return .failure(.init(ErrorCatalog.invalidParameter, "metadata.ds_name must be at most 100 characters."))
            }
            if let description = fields["ds_description"]?.stringValue, description.count > 200 {
                return .failure(.init(ErrorCatalog.invalidParameter, "metadata.ds_description must be at most 200 characters."))
            }
        }
        return .success(Order(inputFileID: input, endpoint: endpoint, completionWindow: window, windowSeconds: seconds,
                              metadata: metadata == .null ? nil : metadata))
    }

    /// `24h`…`336h` or `1d`…`14d`, in seconds (docs: batch).
    static func completionSeconds(_ window: String) -> Int? {
        guard let unit = window.last, let number = Int(window.dropLast()) else { return nil }
        let hours = unit == "h" ? number : unit == "d" ? number * 24 : -1
        return (24...336).contains(hours) ? hours * 3600 : nil
    }

    public func synthesize(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard Self.operation(request.endpoint.detail, method: context.request.method) == .create,
              let body = request.body, case .success(let order) = Self.order(body) else { return nil }
        guard let input = FileStore.of(context).file(order.inputFileID), input.purpose == .batch else {
            return errorDialect.answer(FileErrors.notFound(order.inputFileID), requestID: context.requestID)
        }
        let store = BatchStore.of(context)
        let id = "batch_" + StringFormats.uuid(StableHash(order.inputFileID).derived("batch#\(store.count)"))
        let outcome = BatchRunner(batchID: id, endpoint: order.endpoint, settings: context.settings).run(input.content)
        let batch = Batch(id: id, inputFileID: order.inputFileID, endpoint: order.endpoint, completionWindow: order.completionWindow,
                          windowSeconds: order.windowSeconds, metadata: order.metadata, createdMs: context.nowMs,
                          timings: context.settings.taskTimings, outcome: outcome)
        store.add(batch)
        return ChatSynthesis.wholePlan(batch.json(at: context.nowMs), requestID: context.requestID)
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        let store = BatchStore.of(context)
        let files = FileStore.of(context)
        let requestID = context.requestID
        switch Self.operation(request.endpoint.detail, method: context.request.method) {
        case .retrieve(let id)?:
            guard let batch = store.batch(id, at: context.nowMs, files: files) else {
                return errorDialect.answer(BatchErrors.notFound(id), requestID: requestID)
            }
            return ChatSynthesis.wholePlan(batch.json(at: context.nowMs), requestID: requestID)
        case .cancel(let id)?:
            switch store.cancel(id, at: context.nowMs) {
            case .cancelling(let batch): return ChatSynthesis.wholePlan(batch.json(at: context.nowMs), requestID: requestID)
            case .finished(let batch):
                return errorDialect.answer(BatchErrors.notCancelable(batch.status(at: context.nowMs)), requestID: requestID)
            case .unknown: return errorDialect.answer(BatchErrors.notFound(id), requestID: requestID)
            }
        case .list?:
            return list(store, files: files, context: context)
        case .create?, nil:
            return nil
        }
    }

    /// `{"object":"list","data":[…],"first_id","last_id","has_more"}`, newest first.
    func list(_ store: BatchStore, files: FileStore, context: ModuleContext) -> ResponsePlan {
        var limit = Self.defaultListLimit
        var after: String?
        var statuses: Set<String>?
        var name: String?
        for (key, value) in context.request.query {
            switch key {
            case "limit":
                guard let number = Int(value), Self.listLimits.contains(number) else {
                    return errorDialect.answer(FileErrors.badListParameter("limit must be a whole number from 1 to 100."), requestID: context.requestID)
                }
                limit = number
            case "after": after = value
            case "status": statuses = Set(value.split(separator: ",").map(String.init))
            case "ds_name": name = value
            default: break
            }
        }
        let nowMs = context.nowMs
        var batches = store.ids().reversed().compactMap { store.batch($0, at: nowMs, files: files) }
        batches = batches.filter { batch in
            (statuses.map { $0.contains(batch.status(at: nowMs).rawValue) } ?? true)
                && (name.map { batch.metadata?["ds_name"]?.stringValue == $0 } ?? true)
        }
        if let after, let index = batches.firstIndex(where: { $0.id == after }) { batches = Array(batches[(index + 1)...]) }
        let page = batches.prefix(limit)
        var writer = JSONWriter()
        writer.object { o in
            o.field("object", string: "list")
            o.field("data", array: page.map { batch in { w in w.raw(batch.json(at: nowMs)) } })
            o.field("first_id", string: page.first?.id)
            o.field("last_id", string: page.last?.id)
            o.field("has_more", .bool(batches.count > page.count))
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: context.requestID)
    }

    /// One label per operation, not per batch id.
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String {
        if endpoint.detail.isEmpty { return path }
        return Self.path + "/{batch_id}" + (endpoint.detail.hasSuffix(Self.cancelSuffix) ? Self.cancelSuffix : "")
    }

    public func model(of body: JSONValue?) -> String? { nil }
    public func lastUserText(_ body: JSONValue?) -> String? { nil }
    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("compat", "batches") }
}
