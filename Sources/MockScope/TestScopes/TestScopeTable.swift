import Synchronization

/// The tests a server keeps apart (`X-MockScope-Test-Id`), each with its own `TestScope`.
/// Bounded: at most `limit` scopes (`--test-scopes`); when a new test would not fit, the one
/// least recently used is forgotten (a long CI run does not grow it). A request without the
/// header uses the server's own state, as before.
public final class TestScopeTable: Sendable {
    /// The default `--test-scopes`.
    public static let defaultLimit = 1024
    /// The longest id accepted, in bytes: longer ones are refused (send a hash of the test's name).
    public static let maxIDBytes = 256

    private struct Held {
        var scope: TestScope
        var lastUsed: UInt64
    }

    private struct State {
        var scopes: [String: Held] = [:]
        var uses: UInt64 = 0
    }

    public let limit: Int
    private let state = Mutex(State())

    public init(limit: Int = TestScopeTable.defaultLimit) {
        self.limit = max(1, limit)
    }

    /// Why a test id cannot be used, or nil when it can: at most `maxIDBytes` bytes, printable
    /// ASCII (the helpers send node ids, or a hash of them when they are not).
    public static func problem(with id: String) -> String? {
        if id.utf8.count > maxIDBytes { return "\(testIDHeader): at most \(maxIDBytes) bytes (this one has \(id.utf8.count)); send a hash of the test's name" }
        if id.utf8.contains(where: { $0 < 0x20 || $0 > 0x7e }) {
            return "\(testIDHeader): printable ASCII only; send a hash of the test's name"
        }
        return nil
    }

    /// The scope of `id`, made (at `nowMs`) when the table has none.
    public func scope(_ id: String, nowMs: Double) -> TestScope {
        let (scope, forgotten) = state.withLock { state -> (TestScope, TestScope?) in
            state.uses &+= 1
            if let held = state.scopes[id] {
                state.scopes[id]!.lastUsed = state.uses
                return (held.scope, nil)
            }
            var evicted: TestScope?
            if state.scopes.count >= limit, let oldest = state.scopes.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                evicted = state.scopes.removeValue(forKey: oldest.key)?.scope
            }
            let made = TestScope(id: id, createdAtMs: nowMs)
            state.scopes[id] = Held(scope: made, lastUsed: state.uses)
            return (made, evicted)
        }
        withExtendedLifetime(forgotten) {}  // freed outside the lock
        return scope
    }

    /// The scope of `id` if the table holds one.
    public func existing(_ id: String) -> TestScope? { state.withLock { $0.scopes[id]?.scope } }

    /// The scope of `id` to read: the one held, else an empty one that is not kept (a query
    /// never makes a scope; only a test's requests do).
    public func view(_ id: String, nowMs: Double) -> TestScope {
        existing(id) ?? TestScope(id: id, createdAtMs: nowMs)
    }

    /// Forgets one test's scope: its next request starts from nothing.
    @discardableResult
    public func remove(_ id: String) -> Bool { state.withLock { $0.scopes.removeValue(forKey: id) != nil } }

    /// Forgets every scope (admin reset).
    public func removeAll() {
        let dropped = state.withLock { state -> [String: Held] in
            defer { state.scopes = [:] }
            return state.scopes
        }
        withExtendedLifetime(dropped) {}
    }

    /// Scopes held now.
    public var count: Int { state.withLock { $0.scopes.count } }
}
