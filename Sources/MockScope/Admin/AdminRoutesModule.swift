/// `/__admin/...`: MockScope's own routes. The handler sends them to `AdminAPI` before the
/// pipeline runs; the module is here so that routing names them too.
public struct AdminRoutesModule: ProtocolModule {
    public init() {}
    public var name: String { "admin" }
    public var errorProtocol: APIProtocol? { nil }

    public func endpoint(for path: String) -> Endpoint? { Routing.isAdmin(path) ? Endpoint(module: self) : nil }
}
