@testable import MockScope
import Testing

/// `TextMetrics.tokenUnits` counts ASCII runs by their bytes and only the text around non-ASCII
/// runs by `Character`: the same count as walking every `Character`, for texts built to put
/// grapheme joins at every seam (combining and prepended marks, ZWJ, flags, Hangul, "\r\n").
@Suite struct TokenUnitsTests {
    static let pieces = [
        "a", "Z", " ", ".", "\r", "\n", "\r\n", "\u{301}", "\u{600}", "\u{200D}", "👍", "🏽", "🇯", "🇵", "中", "文", "…",
        "“", "”", "\u{1100}", "\u{1161}", "\u{11A8}", "é", "\u{FE0F}", "ｱ", "\u{0903}",
    ]

    @Test func matchesTheCharacterWalk() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // a fixed seed: the same texts every run
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for _ in 0..<4000 {
            var text = ""
            for _ in 0..<(next() % 24) { text += Self.pieces[next() % Self.pieces.count] }
            #expect(TextMetrics.tokenUnits(text) == TextMetrics.characterTokenUnits(text), "\(Array(text.unicodeScalars))")
        }
    }

    @Test func aSynthesizedAnswerCounts() {
        let answer = "MockScope synthesized this answer to \"What is the weather in Tokyo tomorrow, and should I take an…\". "
            + "Ask again with the same words and you will read the same sentences."
        #expect(TextMetrics.tokenUnits(answer) == TextMetrics.characterTokenUnits(answer))
        #expect(TextMetrics.tokenUnits("x…y") == 9)
        #expect(TextMetrics.tokenUnits("中文\r\n") == 19)
    }
}
