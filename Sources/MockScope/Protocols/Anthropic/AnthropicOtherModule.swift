/// Any other path under `/apps/anthropic/` (`/v1/models`, `/v1/messages/count_tokens`, ...): DashScope
/// serves only `/v1/messages` there (anthropic §1), so a path is answered only from a fixture
/// recorded for it, else the Anthropic-shaped 404 `not_found_error`.
public struct AnthropicOtherModule: ProtocolModule {
    public init() {}
    public var name: String { "anthropic-other" }
    public var errorProtocol: APIProtocol? { .anthropic }

    public func endpoint(for path: String) -> Endpoint? {
        path.hasPrefix(AnthropicMessagesModule.prefix) ? Endpoint(module: self) : nil
    }

    public func apiKey(_ heads: borrowing RequestHeads) -> String? { AnthropicKey.parse(heads) }

    /// One label for every such path (clients choose them).
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String { "anthropic-other" }
}
