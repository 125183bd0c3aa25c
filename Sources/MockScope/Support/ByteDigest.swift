/// A quick 64-bit digest of bytes, eight at a step, for hashing on the request path (SipHash over
/// a request body or a path was a visible share of a replayed request). Feed the result to a
/// `Hasher`, which mixes it; equal values must still be compared in full.
enum ByteDigest {
    static func of(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var state: UInt64 = (0x9E37_79B9_7F4A_7C15 &+ seed) ^ UInt64(raw.count)
        var offset = 0
        while offset + 8 <= raw.count {
            state = (state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            state ^= state >> 29
            offset += 8
        }
        while offset < raw.count {
            state = (state ^ UInt64(raw[offset])) &* 0x100_0000_01B3
            offset += 1
        }
        return state
    }

    static func of(_ bytes: [UInt8], seed: UInt64) -> UInt64 {
        bytes.withUnsafeBufferPointer { of($0, seed: seed) }
    }

    static func of(_ text: String, seed: UInt64) -> UInt64 {
        text.utf8.withContiguousStorageIfAvailable { of($0, seed: seed) } ?? of(Array(text.utf8), seed: seed)
    }
}
