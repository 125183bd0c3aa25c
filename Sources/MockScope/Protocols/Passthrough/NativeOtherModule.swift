/// Any other path under `/api/v1/` (tasks, files, ...): replayed from a fixture recorded for it,
/// with native errors (`InvalidURL` when nothing is recorded on the path).
public struct NativeOtherModule: ProtocolModule {
    public static let prefix = "/api/v1/"

    public init() {}
    public var name: String { "native-other" }
    public var errorProtocol: APIProtocol? { .native }

    public func endpoint(for path: String) -> Endpoint? { path.hasPrefix(Self.prefix) ? Endpoint(module: self) : nil }

    /// Its own path when a fixture answered (a recorded route), else one label for all.
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String { fixture == nil ? "other" : path }
}
