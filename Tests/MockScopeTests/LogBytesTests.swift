@testable import MockScope
import Testing

/// The log line's escaping, which scans eight bytes at a time: every byte that must be escaped is
/// found at every position of a word and of the tail, in both formats, and nothing else is.
struct LogBytesTests {
    /// Escapes byte by byte, as the line did before the word-at-a-time scan.
    private static func expected(_ text: String, _ format: LogFormat) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09 where format == .json: out += Array("\\t".utf8)
            case 0x22 where format == .json: out += Array("\\\"".utf8)
            case 0x5C where format == .json: out += Array("\\\\".utf8)
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                if format == .json {
                    out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                } else {
                    out += Array("\\u{".utf8) + (byte >= 0x10 ? [hex[Int(byte >> 4)]] : []) + [hex[Int(byte & 0xF)]] + Array("}".utf8)
                }
            default: out.append(byte)
            }
        }
        return out
    }

    @Test(arguments: LogFormat.allCases)
    func everySpecialByteIsEscapedAtEveryPosition(format: LogFormat) {
        let specials: [Unicode.Scalar] = ["\u{0}", "\u{1}", "\t", "\n", "\r", "\u{1B}", "\u{1F}", "\u{7F}", "\"", "\\"]
        // Around them: the bytes next to each boundary (0x20, 0x7E, 0x80 and up as UTF-8).
        let plain = ["a", " ", "~", "é", "中", "!", "#", "[", "]"]
        for length in 1...19 {
            for position in 0..<length {
                for special in specials {
                    var text = ""
                    for index in 0..<length {
                        text += index == position ? String(Character(special)) : plain[(index + length) % plain.count]
                    }
                    var bytes: [UInt8] = []
                    bytes.append(escaped: text, format)
                    #expect(bytes == Self.expected(text, format), "\(format) \(Array(text.utf8))")
                }
            }
        }
    }

    @Test(arguments: LogFormat.allCases)
    func plainTextIsCopiedAsItIs(format: LogFormat) {
        for text in ["", "POST", "/compatible-mode/v1/chat/completions", "fixture=名前/é~!#$%&'()*+,-./:;<=>?@[]^_`{|}", String(repeating: "ab ", count: 40)] {
            var bytes: [UInt8] = []
            bytes.append(escaped: text, format)
            #expect(bytes == Array(text.utf8))
        }
    }
}
