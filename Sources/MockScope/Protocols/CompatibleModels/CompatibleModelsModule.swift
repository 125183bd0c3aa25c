/// `GET /compatible-mode/v1/models`: the model list, replayed from a fixture.
public struct CompatibleModelsModule: ProtocolModule {
    public static let path = "/compatible-mode/v1/models"
    /// The same list under the coding plan's base URL.
    public static let codingPlanPath = "/v1/models"

    public init() {}
    public var name: String { "compatible-models" }
    public var errorProtocol: APIProtocol? { .compatible }
    public var expectedMethod: String? { "GET" }

    public func endpoint(for path: String) -> Endpoint? {
        path == Self.path || path == Self.codingPlanPath ? Endpoint(module: self) : nil
    }
}
