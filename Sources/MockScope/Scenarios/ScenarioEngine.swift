import Synchronization

/// The state of every scenario a server knows: active or not, how many requests each selected,
/// its seeded generator and window start. Decides which faults a request gets.
public final class ScenarioEngine: Sendable {
    public struct Status: Sendable {
        public var scenario: Scenario
        public var active: Bool
        public var matched: Int
        public var activatedAtMs: Double
    }

    private struct Entry {
        var scenario: Scenario
        var active: Bool
        var matched = 0
        var activatedAtMs: Double
        var random: SeededRandom
        var order: Int
    }

    private struct State {
        var entries: [String: Entry] = [:] {
            didSet { anyActive = entries.values.contains { $0.active } }
        }
        var nextOrder = 0
        /// Kept up to date on every change, so the request path can skip the engine cheaply.
        var anyActive = false
    }

    private let state = Mutex(State())
    private let defaultSeed: UInt64

    public init(defaultSeed: UInt64 = 1) {
        self.defaultSeed = defaultSeed
    }

    /// Whether any scenario is active: the request path asks before building anything. An atomic
    /// mirror of `State.anyActive`, written under the lock whenever the entries change.
    public var anyActive: Bool { activeFlag.load(ordering: .acquiring) }
    private let activeFlag = Atomic<Bool>(false)

    /// Runs `change` on the state under the lock and keeps `activeFlag` in step.
    private func changing<T>(_ change: (inout State) -> T) -> T {
        state.withLock { state in
            let result = change(&state)
            activeFlag.store(state.anyActive, ordering: .releasing)
            return result
        }
    }

    /// Adds or replaces a scenario (replacing resets its count).
    public func add(_ scenario: Scenario, active: Bool, nowMs: Double) {
        changing { state in
            let order = state.entries[scenario.name]?.order ?? state.nextOrder
            state.nextOrder += 1
            state.entries[scenario.name] = Entry(scenario: scenario, active: active, activatedAtMs: nowMs,
                                                 random: SeededRandom(seed: scenario.seed ?? defaultSeed), order: order)
        }
    }

    @discardableResult
    public func remove(_ name: String) -> Bool { changing { $0.entries.removeValue(forKey: name) != nil } }

    @discardableResult
    public func setActive(_ name: String, _ active: Bool, nowMs: Double) -> Bool {
        changing { state in
            guard state.entries[name] != nil else { return false }
            if active, !state.entries[name]!.active { state.entries[name]!.activatedAtMs = nowMs }
            state.entries[name]!.active = active
            return true
        }
    }

    /// Count to 0, window start to now, generator back to its seed.
    @discardableResult
    public func reset(_ name: String, nowMs: Double) -> Bool {
        state.withLock { state in
            guard var entry = state.entries[name] else { return false }
            entry.matched = 0
            entry.activatedAtMs = nowMs
            entry.random = SeededRandom(seed: entry.scenario.seed ?? defaultSeed)
            state.entries[name] = entry
            return true
        }
    }

    public func resetAll(nowMs: Double) {
        let names = state.withLock { Array($0.entries.keys) }
        for name in names { reset(name, nowMs: nowMs) }
    }

    public func status(_ name: String) -> Status? {
        state.withLock { $0.entries[name].map { Status(scenario: $0.scenario, active: $0.active, matched: $0.matched, activatedAtMs: $0.activatedAtMs) } }
    }

    public var all: [Status] {
        state.withLock { state in
            state.entries.values.sorted { $0.order < $1.order }.map {
                Status(scenario: $0.scenario, active: $0.active, matched: $0.matched, activatedAtMs: $0.activatedAtMs)
            }
        }
    }

    public func contains(_ name: String) -> Bool { state.withLock { $0.entries[name] != nil } }

    /// The faults for a request from every active scenario that selects it (in activation order),
    /// plus `forced` scenarios (named by the request's header) whether active or not. Each fault
    /// comes with the generator state to use; the names say which scenarios fired.
    public func faults(for request: ScenarioRequest, forced: [String] = [], nowMs: Double) -> (faults: [any Fault], random: SeededRandom?, fired: [String]) {
        state.withLock { state in
            // The common case: nothing active, nothing asked for.
            if forced.isEmpty, !state.anyActive { return ([], nil, []) }
            var faults: [any Fault] = []
            var fired: [String] = []
            var random: SeededRandom?
            let names = state.entries.values.sorted { $0.order < $1.order }.map(\.scenario.name)
            for name in names {
                guard var entry = state.entries[name] else { continue }
                let isForced = forced.contains(name)
                guard entry.active || isForced, entry.scenario.selector.selects(request) else { continue }
                entry.matched += 1
                if let (step, position) = entry.scenario.step(forRequest: entry.matched), Self.applies(step, position: position,
                                                                                                     nowMs: nowMs, entry: &entry) {
                    faults += step.faults
                    if !step.faults.isEmpty { fired.append(name) }
                    if random == nil { random = entry.random }
                    // The faults draw from this generator; advance the stored one so the next request differs.
                    _ = entry.random.next()
                }
                state.entries[name] = entry
            }
            return (faults, random, fired)
        }
    }

    private static func applies(_ step: ScenarioStep, position: Int, nowMs: Double, entry: inout Entry) -> Bool {
        if let every = step.every, position % every != 0 { return false }
        let elapsed = nowMs - entry.activatedAtMs
        if let from = step.fromMs, elapsed < from { return false }
        if let until = step.untilMs, elapsed >= until { return false }
        if let chance = step.chance, !entry.random.chance(chance) { return false }
        return true
    }
}
