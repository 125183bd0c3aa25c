import MockScopeHTTPTypes

/// The key of an Anthropic-compatible request: `x-api-key`, else `Authorization: Bearer` (DashScope
/// takes "either one", anthropic §2; the anthropic SDK sends the Bearer form). Spaces around an
/// `x-api-key` value are ignored; an empty one counts as none.
enum AnthropicKey {
    static func parse(_ heads: borrowing RequestHeads) -> String? {
        if let value = heads.xAPIKey?.trimmedSpaces, !value.isEmpty { return value }
        return BearerKey.parse(heads.authorization)
    }
}
