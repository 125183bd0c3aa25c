/// Why nothing matched: the closest fixtures and how they differ.
public struct NearMiss: Sendable, CustomStringConvertible {
    public struct Candidate: Sendable {
        public var fixture: String
        public var differences: [Matcher.Difference]
        /// The fixture's normalizers that changed something in the request (named in the report).
        public var normalizedBy: [String] = []
    }
    public var method: String
    public var path: String
    public var candidates: [Candidate]
    public var fixturesOnRoute: Int

    public var description: String {
        var text = "No fixture matches \(method) \(path)."
        if candidates.isEmpty {
            text += " No fixture is recorded for this method and path."
        } else {
            let parts = candidates.map { candidate -> String in
                let normalized = candidate.normalizedBy.isEmpty ? "" : ", after normalizing \(candidate.normalizedBy.joined(separator: ", "))"
                guard let first = candidate.differences.first else { return "\"\(candidate.fixture)\" (its headers or query differ\(normalized))" }
                let more = candidate.differences.count > 1 ? "\(candidate.differences.count) differences, first " : ""
                return "\"\(candidate.fixture)\" (\(more)\(first.path): fixture has \(Self.show(first.fixture)), request has \(Self.show(first.request))\(normalized))"
            }
            text += " Closest: " + parts.joined(separator: "; ") + "."
        }
        return text + " Record it, add a fixture, or serve with --unmatched synthesize."
    }

    static func show(_ value: JSONValue?) -> String {
        guard let value else { return "nothing" }
        var text = CanonicalJSON.string(value)
        if text.count > 80 { text = String(text.prefix(77)) + "..." }
        return text
    }
}
