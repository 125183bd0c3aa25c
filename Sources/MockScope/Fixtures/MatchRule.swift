/// How a fixture's body is compared: the paths both sides drop, the normalizers both sides'
/// strings go through, and the messages compared. Fixtures with the same rule share one index
/// (`FixtureStore` looks a request up once per rule, the strictest first).
public struct MatchRule: Sendable, Hashable {
    /// Sorted.
    public var ignore: [String]
    public var normalizers: [Normalizer]
    public var messages: MessageWindow?

    public init(ignore: [String] = [], normalizers: [Normalizer] = [], messages: MessageWindow? = nil) {
        self.ignore = ignore.sorted()
        self.normalizers = normalizers
        self.messages = messages
    }

    /// Nothing dropped or rewritten.
    public var isPlain: Bool { ignore.isEmpty && normalizers.isEmpty && messages == nil }

    /// How lenient the rule is, for the lookup order: plain first, then fewer ignored paths, then
    /// without normalizers or a message window.
    var leniency: [Int] { [messages == nil ? 0 : 1, normalizers.count, ignore.count] }

    /// A text that orders rules of equal leniency the same way in every run.
    var sortKey: String {
        ignore.joined(separator: "\u{1}") + "\u{2}" + normalizers.map(\.description).joined(separator: "\u{1}") + "\u{2}" + (messages?.description ?? "")
    }

    /// `value` as this rule compares it.
    public func apply(to value: JSONValue?) -> JSONValue? { applyReporting(to: value).value }

    /// `value` as this rule compares it, and the normalizers that changed something in it.
    public func applyReporting(to value: JSONValue?) -> (value: JSONValue?, changedBy: [Normalizer]) {
        guard var value = Matcher.applying(ignore: ignore, to: value) else { return (nil, []) }
        if let messages { value = messages.apply(to: value) }
        guard !normalizers.isEmpty else { return (value, []) }
        // Compiled once per use: `Regex` is not Sendable, so a rule cannot keep it.
        let compiled = normalizers.compactMap { normalizer in (try? Regex(normalizer.pattern)).map { (normalizer, $0) } }
        var changed = Set<Int>()
        value = Self.rewriteStrings(value) { text in
            var text = text
            for (index, (normalizer, regex)) in compiled.enumerated() {
                let rewritten = text.replacing(regex, with: normalizer.replacement)
                if rewritten != text {
                    changed.insert(index)
                    text = rewritten
                }
            }
            return text
        }
        return (value, changed.sorted().map { compiled[$0].0 })
    }

    private static func rewriteStrings(_ value: JSONValue, _ rewrite: (String) -> String) -> JSONValue {
        switch value {
        case .string(let text): .string(rewrite(text))
        case .array(let items): .array(items.map { rewriteStrings($0, rewrite) })
        case .object(let fields): .object(fields.mapValues { rewriteStrings($0, rewrite) })
        default: value
        }
    }
}
