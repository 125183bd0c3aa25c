/// Any other path under `/compatible-mode/v1/`: replayed from a fixture recorded for it, with
/// compatible-mode errors (an empty 404 when nothing is recorded on the path).
public struct CompatibleOtherModule: ProtocolModule {
    public static let prefix = "/compatible-mode/v1/"

    public init() {}
    public var name: String { "compatible-other" }
    public var errorProtocol: APIProtocol? { .compatible }

    public func endpoint(for path: String) -> Endpoint? { path.hasPrefix(Self.prefix) ? Endpoint(module: self) : nil }

    /// One label for every such path (clients choose them).
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String { "other" }
}
