import MockScope

/// What a drift check found for one fixture.
public struct DriftResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        case unchanged
        /// One line per difference (`AnswerShape.differences`).
        case drifted([String])
        /// The upstream gave no answer.
        case failed(String)
    }

    public var fixture: String
    public var file: String
    public var outcome: Outcome
    /// Whether the fixture was rewritten with the live answer (`--update`).
    public var updated = false
    public var note: String?
}

/// Every fixture's result, as text for people and JSON for CI.
public struct DriftReport: Sendable {
    public var upstream: String
    public var results: [DriftResult]

    public var drifted: Int { results.filter { if case .drifted = $0.outcome { true } else { false } }.count }
    public var failed: Int { results.filter { if case .failed = $0.outcome { true } else { false } }.count }

    /// 0: no drift; 1: drift; 2: an upstream that did not answer (and no drift).
    public var exitCode: Int32 { drifted > 0 ? 1 : failed > 0 ? 2 : 0 }

    public var text: String {
        var lines: [String] = []
        for result in results {
            switch result.outcome {
            case .unchanged:
                lines.append("ok       \(result.fixture)")
            case .drifted(let changes):
                lines.append("DRIFT    \(result.fixture)  (\(result.file))\(result.updated ? "  [updated]" : "")")
                lines += changes.map { "           " + $0 }
            case .failed(let why):
                lines.append("FAILED   \(result.fixture): \(why)")
            }
            if let note = result.note { lines.append("           " + note) }
        }
        lines.append("\(results.count) fixture(s) checked against \(upstream): \(drifted) drifted, \(failed) failed, "
            + "\(results.count - drifted - failed) unchanged")
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("upstream", string: upstream)
            o.field("checked", .number(Double(results.count)))
            o.field("drifted", .number(Double(drifted)))
            o.field("failed", .number(Double(failed)))
            o.field("fixtures", array: results.map { result in { w in
                w.object { f in
                    f.field("name", string: result.fixture)
                    f.field("file", string: result.file)
                    switch result.outcome {
                    case .unchanged:
                        f.field("status", string: "unchanged")
                    case .drifted(let changes):
                        f.field("status", string: "drifted")
                        f.field("changes", .array(changes.map(JSONValue.string)))
                    case .failed(let why):
                        f.field("status", string: "failed")
                        f.field("error", string: why)
                    }
                    f.field("updated", .bool(result.updated))
                    if let note = result.note { f.field("note", string: note) }
                }
            } })
        }
        return writer.text + "\n"
    }
}
