/// Writes compact JSON text in the order it is told, non-ASCII kept as raw UTF-8 (as the real
/// service sends it). Used for the bodies MockScope builds itself: errors and synthesized answers.
public struct JSONWriter: Sendable {
    public private(set) var text = ""

    public init() {}

    public mutating func raw(_ fragment: String) { text += fragment }

    /// A JSON string literal. Byte-level: runs of bytes that need no escape are appended whole
    /// (this writes every canonical matching key and every fixture's recorded text).
    public mutating func string(_ value: String) {
        text += "\""
        var value = value
        // Most strings need no escape: appended whole, no intermediate `String` (the answers the
        // synthesizer renders are mostly such strings).
        let plain = value.withUTF8 { bytes in !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
        if plain {
            text += value
            text += "\""
            return
        }
        value.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index { text += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self) }
                runStart = index + 1
                switch byte {
                case 0x22: text += "\\\""
                case 0x5C: text += "\\\\"
                case 0x0A: text += "\\n"
                case 0x0D: text += "\\r"
                case 0x09: text += "\\t"
                case 0x08: text += "\\b"
                case 0x0C: text += "\\f"
                default:
                    let hex = String(byte, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
            if runStart == 0 {
                text += String(decoding: bytes, as: UTF8.self)
            } else if runStart < bytes.count {
                text += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]), as: UTF8.self)
            }
        }
        text += "\""
    }

    public mutating func number(_ value: Double) {
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 {
            text += String(Int64(value))
        } else if value.isFinite {
            text += "\(value)"
        } else {
            text += "null"
        }
    }

    /// Any value; object members in sorted key order.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: text += "null"
        case .bool(let b): text += b ? "true" : "false"
        case .number(let n): number(n)
        case .string(let s): string(s)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                self.value(item)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                string(key)
                text += ":"
                self.value(members[key]!)
            }
            text += "}"
        }
    }

    /// An object whose members are written in the given order.
    public mutating func object(_ body: (inout ObjectWriter) -> Void) {
        // The text moves into the object writer and back (swapped, not copied: a copy would share
        // the buffer, and the first write would copy the whole text so far).
        var object = ObjectWriter(writer: JSONWriter())
        swap(&object.writer, &self)
        object.writer.raw("{")
        body(&object)
        object.writer.raw("}")
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

        public mutating func field(_ key: String, object body: (inout ObjectWriter) -> Void) {
            separator(key)
            writer.object(body)
        }

        public mutating func field(_ key: String, array items: [(inout JSONWriter) -> Void]) {
            separator(key)
            writer.raw("[")
            for (index, item) in items.enumerated() {
                if index > 0 { writer.raw(",") }
                item(&writer)
            }
            writer.raw("]")
        }

        public mutating func rawField(_ key: String, _ json: String) {
            separator(key)
            writer.raw(json)
        }

        private mutating func separator(_ key: String) {
            if count > 0 { writer.raw(",") }
            count += 1
            writer.string(key)
            writer.raw(":")
        }
    }
}
