import Synchronization

/// How far each sequence fixture of one store has got: the next answer's index, by fixture name.
/// It belongs to one `FixtureStore`, so replacing the store starts every sequence again, as does
/// `POST /__admin/reset` (`reset`).
public final class SequencePositions: Sendable {
    private let next = Mutex<[String: Int]>([:])

    public init() {}

    /// The index of the answer to serve now for `fixture` (and the position moved on), or nil when
    /// its answers are all served and it says `after_last: error`.
    public func take(_ fixture: Fixture) -> Int? {
        let count = fixture.responses.count
        guard count > 1 else { return 0 }
        return next.withLock { positions -> Int? in
            let position = positions[fixture.name, default: 0]
            positions[fixture.name] = position + 1
            if position < count { return position }
            switch fixture.afterLast {
            case .repeat: return count - 1
            case .cycle: return position % count
            case .error: return nil
            }
        }
    }

    /// Every sequence from its first answer again.
    public func reset() { next.withLock { $0.removeAll() } }
}
