/// Writes ISO base media file format boxes (ISO/IEC 14496-12 §4.2): each a 32-bit big-endian
/// size (of the whole box), a four-character type and its payload; a full box adds a version byte
/// and 24 bits of flags. Boxes nest by writing children inside the parent's body.
struct ISOBoxWriter {
    private(set) var bytes: [UInt8] = []

    /// A box of `type` whose payload (and children) `body` writes; its size is filled in after.
    mutating func box(_ type: String, _ body: (inout ISOBoxWriter) -> Void) {
        let start = bytes.count
        u32(0)
        fourCC(type)
        body(&self)
        let size = UInt32(bytes.count - start)
        bytes.replaceSubrange(start..<(start + 4), with: Self.bigEndian(size))
    }

    /// A full box: `version` and `flags` before the payload.
    mutating func fullBox(_ type: String, version: UInt8 = 0, flags: UInt32 = 0, _ body: (inout ISOBoxWriter) -> Void) {
        box(type) { w in
            w.u8(version)
            w.bytes += Self.bigEndian(flags).dropFirst()
            body(&w)
        }
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
    mutating func u32(_ value: UInt32) { bytes += Self.bigEndian(value) }
    /// `count` zero bytes (reserved fields).
    mutating func zeros(_ count: Int) { bytes += [UInt8](repeating: 0, count: count) }
    /// A four-character code (`ftyp`, `isom`, `vide`); precondition: four ASCII characters.
    mutating func fourCC(_ code: String) {
        let ascii = Array(code.utf8)
        precondition(ascii.count == 4, "a box type or brand is four ASCII characters, not \(code)")
        bytes += ascii
    }
    /// `text` and a terminating NUL (a handler's name).
    mutating func cString(_ text: String) { bytes += Array(text.utf8) + [0] }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
