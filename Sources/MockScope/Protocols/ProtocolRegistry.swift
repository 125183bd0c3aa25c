/// The protocol modules in the order they are asked for a path: the first that recognises it
/// serves it. A new protocol is a folder under `Protocols/` whose module is listed here.
public struct ProtocolRegistry: Sendable {
    public let modules: [any ProtocolModule]
    /// What serves a path no module recognises.
    public let fallback: any ProtocolModule

    /// Whether the built-in modules' hot paths may be looked up without asking each module.
    private let knowsHotPaths: Bool

    public init(modules: [any ProtocolModule], fallback: any ProtocolModule = UnownedPathModule()) {
        self.init(modules: modules, fallback: fallback, knowsHotPaths: false)
    }

    private init(modules: [any ProtocolModule], fallback: any ProtocolModule, knowsHotPaths: Bool) {
        self.modules = modules
        self.fallback = fallback
        self.knowsHotPaths = knowsHotPaths
    }

    /// Every module MockScope has. Specific paths first; each protocol's catch-all last.
    public static let standard = ProtocolRegistry(modules: [
        AdminRoutesModule(),
        CompatibleChatModule(),
        NativeGenerationModule(),
        ApplicationModule(),
        CompatibleModelsModule(),
        EmbeddingsModule(),
        AnthropicMessagesModule(),
        ResponsesModule(),
        ImageSynthesisModule(),
        TasksModule(),
        GeneratedImageModule(),
        VideoSynthesisModule(),
        GeneratedVideoModule(),
        CompatibleFilesModule(),
        NativeFilesModule(),
        UploadPolicyModule(),
        OSSUploadModule(),
        BatchesModule(),
        RerankModule(),
        TokenizerModule(),
        NativeModelsModule(),
        CompatibleOtherModule(),
        NativeOtherModule(),
        AnthropicOtherModule(),
    ], fallback: UnownedPathModule(), knowsHotPaths: true)

    // The paths nearly every request names, found without asking each module.
    private static let chat = Endpoint.compatibleChat
    private static let text = Endpoint(module: NativeGenerationModule())
    private static let multimodal = Endpoint(module: NativeGenerationModule(), detail: NativeGenerationModule.multimodal)

    public func endpoint(for path: String) -> Endpoint {
        if knowsHotPaths {
            switch path {
            case CompatibleChatModule.path, CompatibleChatModule.codingPlanPath: return Self.chat
            case NativeGenerationModule.textPath: return Self.text
            case NativeGenerationModule.multimodalPath: return Self.multimodal
            default: break
            }
        }
        for module in modules {
            if let endpoint = module.endpoint(for: path) { return endpoint }
        }
        return Endpoint(module: fallback)
    }
}
