@testable import MockScope
import Testing

/// `TextMetrics.tokenUnits` counts a scalar at a time when each is a character alone: the same
/// count as walking every `Character`, for texts built to put grapheme joins at every seam
/// (combining and prepended marks, ZWJ, flags, Hangul syllables and jamo, "\r\n").
@Suite struct TokenUnitsTests {
    static let pieces = [
        "a", "Z", " ", ".", "\r", "\n", "\r\n", "\u{301}", "\u{600}", "\u{200D}", "👍", "🏽", "🇯", "🇵", "中", "文", "…",
        "“", "”", "\u{1100}", "\u{1161}", "\u{11A8}", "é", "\u{FE0F}", "ｱ", "\u{0903}", "가", "ー", "，", "、", "\u{302A}",
        "\u{3099}", "\u{AD}", "\u{FF9E}",
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

    /// Each scalar `isStandalone` lists is a character alone beside ASCII, itself and the others.
    @Test func standaloneScalarsStandAlone() {
        let ranges: [ClosedRange<UInt32>] = [0x00A0...0x024F, 0x2010...0x205E, 0x3000...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                                             0xAC00...0xD7A3, 0xFF01...0xFF60]
        var checked = 0
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value), TextMetrics.isStandalone(scalar) else { continue }
                let s = String(Character(scalar))
                let alone = ("a" + s + "b").count == 3 && (s + s).count == 2 && (s + "中" + "가" + "…" + s + "\r\n").count == 6
                #expect(alone, "U+\(String(value, radix: 16))")
                if !alone { return }
                checked += 1
            }
        }
        #expect(checked > 39_000)  // every listed scalar (39,594)
    }
}
