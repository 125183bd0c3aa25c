/// FNV-1a, 64 bits: a hash that is the same in every process and on every platform (Swift's
/// `Hasher` is seeded per process, so it cannot make a synthesized answer reproducible).
public struct StableHash: Sendable, Equatable {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    public private(set) var value: UInt64

    public init(_ text: String) {
        value = Self.offsetBasis
        add(text)
    }

    mutating func add(_ text: String) {
        if let hashed = text.utf8.withContiguousStorageIfAvailable({ Self.fnv(value, $0) }) {
            value = hashed  // a native string's bytes in place, not through the UTF-8 view's iterator
            return
        }
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* Self.prime
        }
    }

    /// Hashes `bytes` after what was added before (the same value as adding their text).
    mutating func add(bytes: [UInt8]) {
        value = bytes.withUnsafeBufferPointer { Self.fnv(value, $0) }
    }

    private static func fnv(_ start: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value = start
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* prime
        }
        return value
    }

    /// A hash of this one and `salt`: independent values for several ids from one request.
    func derived(_ salt: String) -> StableHash {
        var copy = self
        copy.add("\u{1F}")
        copy.add(salt)
        return copy
    }

    /// `count` lower-case hex digits (any length: more than 16 chains further derived hashes).
    public func hex(_ count: Int) -> String {
        var digits = ""
        digits.reserveCapacity(count + 16)
        var current = self
        var round = 0
        while digits.count < count {
            digits += Self.hex16(current.value)
            round += 1
            current = derived("#\(round)")
        }
        return String(digits.prefix(count))
    }

    static func hex16(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
