/// Writes compact JSON text in the order it is told, non-ASCII kept as raw UTF-8 (as the real
/// service sends it). Used for the bodies MockScope builds itself: errors and synthesized answers.
///
/// Bytes, not a `String`: appending to `String` checks and grows its guts on every fragment
/// (`String.append` was 27 % of a synthesized schema answer's 1.45 M instructions, callgrind,
/// bench/profile instructions), appending to `[UInt8]` is a copy.
public struct JSONWriter: Sendable {
    /// The UTF-8 bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func raw(_ fragment: String) { bytes.append(contentsOf: fragment.utf8) }

    /// Bytes that are already JSON text (a fragment another writer wrote).
    public mutating func raw(bytes fragment: [UInt8]) { bytes.append(contentsOf: fragment) }

    /// One ASCII byte of JSON syntax.
    @inline(__always) mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// A JSON string literal. Byte-level: runs of bytes that need no escape are appended whole
    /// (this writes every canonical matching key and every fixture's recorded text).
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string literal of UTF-8 `source`.
    mutating func string(utf8 source: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        var runStart = 0
        for index in 0..<source.count {
            let byte = source[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index])) }
            runStart = index + 1
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            case 0x08: bytes.append(0x5C); bytes.append(0x62)
            case 0x0C: bytes.append(0x5C); bytes.append(0x66)
            default:
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
            }
        }
        if runStart < source.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<source.count])) }
        bytes.append(0x22)
    }

    public mutating func number(_ value: Double) {
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 {
            integer(Int64(value))
        } else if value.isFinite {
            raw("\(value)")
        } else {
            raw("null")
        }
    }

    /// An integer's decimal digits, without a `String` in between.
    mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        var magnitude = value.magnitude
        if magnitude < 10 { return bytes.append(0x30 + UInt8(magnitude)) }
        var digits = (UInt64(0), UInt64(0), UInt64(0))  // room for Int64's 19 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Any value; object members in sorted key order.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .number(let n): number(n)
        case .string(let s): string(s)
        case .array(let items):
            byte(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { byte(0x2C) }
                self.value(item)
            }
            byte(0x5D)
        case .object(let members):
            byte(0x7B)
            // The pairs sorted, not the keys (each key looked up again hashed it a second time).
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { byte(0x2C) }
                string(member.key)
                byte(0x3A)
                self.value(member.value)
            }
            byte(0x7D)
        }
    }

    /// An object whose members are written in the given order.
    public mutating func object(_ body: (inout ObjectWriter) -> Void) {
        // The text moves into the object writer and back (swapped, not copied: a copy would share
        // the buffer, and the first write would copy the whole text so far).
        var object = ObjectWriter(writer: JSONWriter())
        swap(&object.writer, &self)
        object.writer.byte(0x7B)
        body(&object)
        object.writer.byte(0x7D)
        swap(&self, &object.writer)
    }

    public struct ObjectWriter {
        var writer: JSONWriter
        var count = 0

        public mutating func field(_ key: String, _ value: JSONValue) {
            separator(key)
            writer.value(value)
        }

        public mutating func field(_ key: String, string: String?) {
            separator(key)
            if let string { writer.string(string) } else { writer.raw("null") }
        }

        /// A member whose value is an integer.
        public mutating func field(_ key: String, integer: Int) {
            separator(key)
            writer.integer(Int64(integer))
        }

        public mutating func field(_ key: String, object body: (inout ObjectWriter) -> Void) {
            separator(key)
            writer.object(body)
        }

        public mutating func field(_ key: String, array items: [(inout JSONWriter) -> Void]) {
            separator(key)
            writer.byte(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { writer.byte(0x2C) }
                item(&writer)
            }
            writer.byte(0x5D)
        }

        public mutating func rawField(_ key: String, _ json: String) {
            separator(key)
            writer.raw(json)
        }

        public mutating func rawField(_ key: String, bytes json: [UInt8]) {
            separator(key)
            writer.raw(bytes: json)
        }

        private mutating func separator(_ key: String) {
            if count > 0 { writer.byte(0x2C) }
            count += 1
            writer.string(key)
            writer.byte(0x3A)
        }
    }
}
