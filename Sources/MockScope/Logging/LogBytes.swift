#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing pieces of a log line straight into a byte buffer: no intermediate `String`.
extension Array where Element == UInt8 {
    mutating func append(ascii text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// `text` with what could forge or break a line escaped: in `.text`, control characters as
    /// `\n`, `\r`, `\u{1b}` (as `LogLine.oneLine`); in `.json`, as a JSON string's contents.
    mutating func append(escaped text: String, _ format: LogFormat) {
        var text = text
        text.withUTF8 { bytes in
            guard Self.needsEscaping(bytes, json: format == .json) else {
                append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 0x0A: append(ascii: "\\n")
                case 0x0D: append(ascii: "\\r")
                case 0x09 where format == .json: append(ascii: "\\t")
                case 0x22 where format == .json: append(ascii: "\\\"")
                case 0x5C where format == .json: append(ascii: "\\\\")
                case 0..<0x20, 0x7F:
                    let hex = Array("0123456789abcdef".utf8)
                    if format == .json {
                        append(ascii: "\\u00")
                        append(hex[Int(byte >> 4)])
                        append(hex[Int(byte & 0xF)])
                    } else {
                        append(ascii: "\\u{")
                        if byte >= 0x10 { append(hex[Int(byte >> 4)]) }
                        append(hex[Int(byte & 0xF)])
                        append(ascii: "}")
                    }
                default: append(byte)
                }
            }
        }
    }

    /// Whether any byte is a control character (or, in JSON, `"` or `\\`). Eight bytes at a time
    /// (SWAR): hand-written for speed, the byte-by-byte scan was 850 of the log line's 2,880
    /// instructions per request (`bench/profile instructions`, row `defaults`).
    private static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>, json: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        /// The high bit of each byte of `word` that is zero.
        @inline(__always) func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // Below 0x20: the byte minus 0x20 borrows into its high bit (bytes of 0x80 and up,
            // UTF-8's, are masked out by `~word`).
            var found = ((word &- ones &* 0x20) & ~word & highs) | zeroBytes(word ^ (ones &* 0x7F))
            if json { found |= zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C)) }
            if found != 0 { return true }
            offset += 8
        }
        while offset < raw.count {
            let byte = raw[offset]
            if byte < 0x20 || byte == 0x7F || (json && (byte == 0x22 || byte == 0x5C)) { return true }
            offset += 1
        }
        return false
    }

    /// A JSON string: quotes and escapes.
    mutating func append(jsonString text: String) {
        append(0x22)
        append(escaped: text, .json)
        append(0x22)
    }

    mutating func append(decimal value: Int) {
        if value < 0 {
            append(0x2D)
            append(decimal: value == Int.min ? Int.max : -value)
            return
        }
        if value >= 10 { append(decimal: value / 10) }
        append(UInt8(0x30 + value % 10))
    }

    /// Milliseconds to a tenth, as `(ms * 10).rounded() / 10` prints: `0.1`, `12.0`.
    mutating func append(tenths millis: Double) {
        let tenths = millis.isFinite ? Int(Swift.min(Swift.max((millis * 10).rounded(), 0), 1e15)) : 0
        append(decimal: tenths / 10)
        append(0x2E)
        append(UInt8(0x30 + tenths % 10))
    }
}

/// The line's time stamp as swift-log's stream handler writes it (`2026-12-01T12:13:54+0000`,
/// local time), formatted once per second.
struct LogTimestamp {
    private var second = -1
    private(set) var bytes: [UInt8] = []

    mutating func update(now: Int = time(nil)) {
        guard now != second else { return }
        second = now
        var seconds = time_t(now)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        bytes = buffer.prefix(count).map { UInt8(bitPattern: $0) }
    }
}
