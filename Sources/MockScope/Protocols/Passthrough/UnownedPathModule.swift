/// A path no protocol owns: only a fixture recorded for it answers; anything else gets an empty
/// 404. No key is asked for and no fault applies.
public struct UnownedPathModule: ProtocolModule {
    public init() {}
    public var name: String { "unowned" }
    public var errorProtocol: APIProtocol? { nil }

    public func endpoint(for path: String) -> Endpoint? { Endpoint(module: self) }

    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String { "other" }
}
