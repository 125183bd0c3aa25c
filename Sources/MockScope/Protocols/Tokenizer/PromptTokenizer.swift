/// MockScope's tokenizer: a prompt cut into as many tokens as the synthesizer counts for it
/// (`SynthesizedAnswer.inputTokens`: the turns' text at about 1.5 CJK or 4 other characters a
/// token, plus `promptOverhead` template tokens), so that what `/api/v1/tokenizer` says a prompt
/// costs is the `input_tokens` / `prompt_tokens` a synthesized answer to it reports. Not Qwen's
/// vocabulary: ids are stable hashes of the pieces, the chat-template markers keep Qwen's ids.
enum PromptTokenizer {
    struct Token: Sendable, Equatable {
        var id: Int
        var text: String
    }

    /// Qwen's special tokens and their ids (the Qwen2/3 vocabulary's).
    static let specialIDs = ["<|endoftext|>": 151_643, "<|im_start|>": 151_644, "<|im_end|>": 151_645]
    /// Ordinary pieces get ids below the special ones.
    static let vocabularySize: UInt64 = 151_643
    /// The template tokens around the text: `promptOverhead` of them (a test holds the count).
    static let head = ["<|im_start|>", "system", "\n", "<|im_end|>", "\n", "<|im_start|>", "user", "\n"]
    static let tail = ["<|im_end|>", "\n"]

    /// The tokens of `input`'s turns with the template around them.
    static func tokens(_ input: SynthesisInput) -> [Token] {
        let text = input.turns.map(\.text).joined()
        return (head + pieces(text) + tail).map { Token(id: id(of: $0), text: $0) }
    }

    /// The chat template of `input` as text (the tokenizer's `prompt`).
    static func prompt(_ input: SynthesisInput) -> String {
        input.turns.map { "<|im_start|>\($0.role)\n\($0.text)<|im_end|>\n" }.joined() + "<|im_start|>assistant\n"
    }

    static func id(of piece: String) -> Int {
        specialIDs[piece] ?? Int(StableHash("token:" + piece).value % vocabularySize)
    }

    /// `text` cut into exactly `TextMetrics.tokens(units:)` pieces: a piece ends where its
    /// characters reach a token's worth (12 twelfths), the remainder carried on; then the longest
    /// pieces are halved, or the last ones joined, until the count is exact.
    static func pieces(_ text: String) -> [String] {
        let characters = Array(text)
        let wanted = TextMetrics.tokens(units: TextMetrics.tokenUnits(text))
        var pieces: [[Character]] = []
        var current: [Character] = []
        var carried = 0
        for character in characters {
            current.append(character)
            carried += TextMetrics.isWide(character.unicodeScalars.first!) ? 8 : 3
            if carried >= 12 {
                pieces.append(current)
                current = []
                carried -= 12
            }
        }
        if !current.isEmpty { pieces.append(current) }
        while pieces.count < wanted, let longest = pieces.indices.max(by: { pieces[$0].count < pieces[$1].count }), pieces[longest].count > 1 {
            let piece = pieces[longest], half = piece.count / 2
            pieces.replaceSubrange(longest...longest, with: [Array(piece[..<half]), Array(piece[half...])])
        }
        while pieces.count > wanted, pieces.count >= 2 {
            let last = pieces.removeLast()
            pieces[pieces.count - 1] += last
        }
        return pieces.map { String($0) }
    }
}
