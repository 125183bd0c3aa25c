/// `GET /compatible-mode/v1/models`: the model list, replayed from a fixture.
public struct CompatibleModelsModule: ProtocolModule {
    public static let path = "/compatible-mode/v1/models"

    public init() {}
    public var name: String { "compatible-models" }
    public var errorProtocol: APIProtocol? { .compatible }
    public var expectedMethod: String? { "GET" }

    public func endpoint(for path: String) -> Endpoint? { path == Self.path ? Endpoint(module: self) : nil }
}
