/// Rough token counts for rate limiting: every string in the prompt, at the synthesizer's rate
/// (about 1.5 CJK characters or 4 other characters a token).
public enum TokenEstimate {
    public static func prompt(_ body: JSONValue?) -> Int {
        guard let body else { return 0 }
        var units = 0
        func walk(_ value: JSONValue) {
            switch value {
            case .string(let text): units += TextMetrics.tokenUnits(text)
            case .array(let items): items.forEach(walk)
            case .object(let members): members.values.forEach(walk)
            default: break
            }
        }
        walk(body["messages"] ?? body["input"] ?? body)
        return TextMetrics.tokens(units: units)
    }
}
