/// What a prompt-embedded format makes the model write: the content text (before `stop` cuts
/// it) and the reasoning a thinking call shows first.
struct PromptFormatReply: Sendable, Equatable {
    var content: String
    var reasoning: String
}
