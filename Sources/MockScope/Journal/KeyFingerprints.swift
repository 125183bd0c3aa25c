import Synchronization

/// `SecretPolicy.fingerprint` remembered for the last few hundred keys: a test suite uses a
/// handful of keys, and every request needs its key's fingerprint.
final class KeyFingerprints: Sendable {
    private let known = Mutex<[String: String]>([:])
    static let capacity = 256

    func fingerprint(_ key: String?) -> String? {
        guard let key, !key.isEmpty else { return nil }
        if let hit = known.withLock({ $0[key] }) { return hit }
        let fingerprint = SecretPolicy.fingerprint(key)
        known.withLock { known in
            if known.count >= Self.capacity { known.removeAll(keepingCapacity: true) }
            known[key] = fingerprint
        }
        return fingerprint
    }
}
