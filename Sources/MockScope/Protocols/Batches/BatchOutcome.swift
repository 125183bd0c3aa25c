/// What a batch's input lines came to: the output file's lines (one synthesized answer per good
/// line) and the error file's (one per bad line), each a JSON line (docs/protocol-notes.md, batches).
struct BatchOutcome: Sendable {
    var completed: [String] = []
    var failed: [String] = []
    var total: Int { completed.count + failed.count }

    static func text(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\n" }.joined().utf8) }
}
