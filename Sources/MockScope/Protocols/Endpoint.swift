/// What a request's path names: the protocol module that serves it, and what the module tells
/// apart within its paths (an app's id, `multimodal`). An object: the request path passes it from
/// stage to stage and into the journal, and a reference is the cheapest thing to pass.
public final class Endpoint: Sendable, Equatable, CustomStringConvertible {
    public let module: any ProtocolModule
    /// Empty when the module has one kind of path.
    public let detail: String
    /// MockScope's own routes (`/__admin/`), which the handler answers before the pipeline.
    let isAdmin: Bool

    public init(module: any ProtocolModule, detail: String = "") {
        self.module = module
        self.detail = detail
        self.isAdmin = module is AdminRoutesModule
    }

    /// The module that serves `path` (`ProtocolRegistry.standard`).
    public convenience init(path: String) {
        let endpoint = ProtocolRegistry.standard.endpoint(for: path)
        self.init(module: endpoint.module, detail: endpoint.detail)
    }

    public static func == (a: Endpoint, b: Endpoint) -> Bool { a.module.name == b.module.name && a.detail == b.detail }

    public var description: String { detail.isEmpty ? module.name : "\(module.name)(\(detail))" }

    /// The protocol this path belongs to (nil: a path no protocol owns).
    public var apiProtocol: APIProtocol? { module.errorProtocol }
    /// How errors on this path are stated and framed.
    public var errorDialect: any ErrorDialect { module.errorDialect }
    /// The method the real service answers on this path, when MockScope knows it.
    public var expectedMethod: String? { module.expectedMethod }
    /// Whether the path is one of the chat-like endpoints whose body MockScope understands.
    public var isGeneration: Bool { module.understandsBodies }

    // The endpoints the built-in modules name, for code and tests that mean one of them.
    public static let compatibleChat = Endpoint(module: CompatibleChatModule())
    public static func nativeGeneration(multimodal: Bool) -> Endpoint {
        Endpoint(module: NativeGenerationModule(), detail: multimodal ? NativeGenerationModule.multimodal : "")
    }
    public static func application(id: String) -> Endpoint { Endpoint(module: ApplicationModule(), detail: id) }
    public static let compatibleModels = Endpoint(module: CompatibleModelsModule())
    public static let compatibleOther = Endpoint(module: CompatibleOtherModule())
    public static let nativeOther = Endpoint(module: NativeOtherModule())
    public static let unknown = Endpoint(module: UnownedPathModule())
    public static let admin = Endpoint(module: AdminRoutesModule())
}
