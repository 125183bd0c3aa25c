/// A conversation read for a calling format described in its prompt: the instructions (the
/// system turns, else the first user turn) and the turns after them.
struct PromptConversation: Sendable {
    /// The text the format is described in.
    var instructions: String
    /// The turns after the instructions (with a system prompt: every other turn).
    var following: [ConversationTurn]

    init(_ turns: [ConversationTurn]) {
        let system = turns.filter { $0.role == "system" }
        if !system.isEmpty {
            instructions = system.map(\.text).joined(separator: "\n")
            following = turns.filter { $0.role != "system" }
        } else if let first = turns.firstIndex(where: { $0.role == "user" }) {
            instructions = turns[first].text
            following = Array(turns[(first + 1)...])
        } else {
            instructions = ""
            following = []
        }
    }

    /// The last turn after the instructions, if any.
    var lastFollowing: ConversationTurn? { following.last }

    /// The text the model continues: the last turn's (the instructions when nothing follows them).
    var latestText: String { following.last?.text ?? instructions }
}
