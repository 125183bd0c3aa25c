import Foundation
import MockScopeHTTPTypes

/// `GET /compatible-mode/v1/models` and `GET /compatible-mode/v1/models/{id}`: the models of the
/// catalog in force (built in, `--models`, a fixtures folder's `models.yaml`) in OpenAI's list and
/// model shapes (`client.models.list()` / `retrieve`); an id the catalog does not know is
/// compatible mode's 404 `model_not_found`. A recorded fixture on the path answers first.
/// docs/protocol-notes.md, surface §4.
public struct CompatibleModelsModule: ProtocolModule {
    public static let path = "/compatible-mode/v1/models"
    /// The same list under the coding plan's base URL.
    public static let codingPlanPath = "/v1/models"
    /// The `created` time every listed model carries [chosen: the service's own is not recorded].
    static let created = 1_741_500_000

    public init() {}
    public var name: String { "compatible-models" }
    public var errorProtocol: APIProtocol? { .compatible }
    public var expectedMethod: String? { "GET" }

    public func endpoint(for path: String) -> Endpoint? {
        if path == Self.path || path == Self.codingPlanPath { return Endpoint(module: self) }
        let prefix = Self.path + "/"
        guard path.hasPrefix(prefix), path.count > prefix.count else { return nil }
        return Endpoint(module: self, detail: String(path.dropFirst(prefix.count)))
    }

    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String {
        endpoint.detail.isEmpty ? path : Self.path + "/{id}"
    }

    public func catalogAnswer(_ request: HTTPRequest, endpoint: Endpoint, context: ValidationContext, requestID: String) -> CatalogAnswer? {
        var writer = JSONWriter()
        if endpoint.detail.isEmpty {
            writer.object { o in
                o.field("object", string: "list")
                o.field("data", array: context.catalog.models.map { model in { w in w.object { Self.describe(model.name, into: &$0) } } })
            }
        } else {
            let id = endpoint.detail.removingPercentEncoding ?? endpoint.detail
            guard context.catalog.model(named: id) != nil else {
                return .refused(ErrorCatalog.modelNotFound, message: errorDialect.stated(ErrorCatalog.modelNotFound, message: nil, model: id).message)
            }
            writer.object { Self.describe(id, into: &$0) }
        }
        return .answer(ChatSynthesis.wholePlan(writer.text, requestID: requestID))
    }

    /// One model in OpenAI's shape; `created` is fixed [chosen], the service's is not recorded.
    static func describe(_ id: String, into o: inout JSONWriter.ObjectWriter) {
        o.field("id", string: id)
        o.field("object", string: "model")
        o.field("created", .number(Double(Self.created)))
        o.field("owned_by", string: "system")
    }

    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("compat", "models") }
}
