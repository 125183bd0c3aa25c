import MockScopeHTTPTypes

/// `GET /api/v1/models` (`dashscope.Models.list(page, page_size)` and `Models.get(name)`, which
/// asks `?model=NAME&page_no=1&page_size=1` and reads `output.models[0]`): the catalog in force,
/// paged [unverified shape: `output.models`, `total`, `page_no`, `page_size`; each model `{"model": name}`].
struct NativeModelsModule: ProtocolModule {
    static let path = "/api/v1/models"

    var name: String { "native-models" }
    var errorProtocol: APIProtocol? { .native }
    var expectedMethod: String? { "GET" }

    func endpoint(for path: String) -> Endpoint? { path == Self.path ? Endpoint(module: self) : nil }

    func catalogAnswer(_ request: HTTPRequest, endpoint: Endpoint, context: ValidationContext, requestID: String) -> CatalogAnswer? {
        func number(_ name: String, default value: Int) -> Int {
            request.query.last(where: { $0.name == name }).flatMap { Int($0.value) }.map { max(1, $0) } ?? value
        }
        var names = context.catalog.models.map(\.name)
        if let wanted = request.query.last(where: { $0.name == "model" })?.value, !wanted.isEmpty {
            names = context.catalog.model(named: wanted) != nil ? [wanted] : []
        }
        let pageNo = number("page_no", default: 1), pageSize = min(number("page_size", default: 10), 1000)
        let start = min(names.count, (pageNo - 1) * pageSize)
        let page = names[start..<min(names.count, start + pageSize)]
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: requestID)
            o.field("output", object: { out in
                out.field("models", array: page.map { name in { w in w.object { m in m.field("model", string: name) } } })
                out.field("page_no", .number(Double(pageNo)))
                out.field("page_size", .number(Double(pageSize)))
                out.field("total", .number(Double(names.count)))
            })
        }
        return .answer(ChatSynthesis.wholePlan(writer.text, requestID: requestID))
    }

    func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("native", "models") }
}
