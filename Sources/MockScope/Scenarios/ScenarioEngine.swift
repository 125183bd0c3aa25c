import Synchronization

/// The state of every scenario a server knows: active or not, how many requests each selected,
/// its seeded generator and window start. Decides which faults a request gets. A request of a
/// test (`X-MockScope-Test-Id`) counts in that test's own progress (`TestScope`), not the server's.
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
        /// Changes whenever the scenario is replaced or reset: the tests' progress starts again.
        var epoch: Int
    }

    private struct State {
        var entries: [String: Entry] = [:] {
            didSet { anyActive = entries.values.contains { $0.active } }
        }
        var nextOrder = 0
        var nextEpoch = 0
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
            state.nextEpoch += 1
            state.entries[scenario.name] = Entry(scenario: scenario, active: active, activatedAtMs: nowMs,
                                                 random: SeededRandom(seed: scenario.seed ?? defaultSeed), order: order,
                                                 epoch: state.nextEpoch)
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

    /// Count to 0, window start to now, generator back to its seed (every test's progress too).
    @discardableResult
    public func reset(_ name: String, nowMs: Double) -> Bool {
        state.withLock { state in
            guard var entry = state.entries[name] else { return false }
            entry.matched = 0
            entry.activatedAtMs = nowMs
            entry.random = SeededRandom(seed: entry.scenario.seed ?? defaultSeed)
            state.nextEpoch += 1
            entry.epoch = state.nextEpoch
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

    /// The scenario as one test sees it: `matched` counts that test's requests only (0 before its
    /// first), and its window starts no earlier than the test's first request.
    public func status(_ name: String, scope: TestScope) -> Status? {
        state.withLock { state in
            state.entries[name].map { entry in
                Status(scenario: entry.scenario, active: entry.active, matched: scope.progress(of: name, epoch: entry.epoch)?.matched ?? 0,
                       activatedAtMs: max(entry.activatedAtMs, scope.createdAtMs))
            }
        }
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
    /// comes with the generator state to use; the names say which scenarios fired. A test's
    /// request (`scope`) walks the steps by the test's own count and generator, and its windows
    /// start no earlier than the test's first request.
    public func faults(for request: ScenarioRequest, forced: [String] = [], nowMs: Double,
                       scope: TestScope? = nil) -> (faults: [any Fault], random: SeededRandom?, fired: [String]) {
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
                let step: (faults: [any Fault], random: SeededRandom)?
                if let scope {
                    let seed = entry.scenario.seed ?? defaultSeed
                    step = scope.withProgress { progress in
                        var own = progress[name].flatMap { $0.epoch == entry.epoch ? $0 : nil }
                            ?? ScenarioProgress(epoch: entry.epoch, random: SeededRandom(seed: seed))
                        defer { progress[name] = own }
                        return Self.advance(entry.scenario, matched: &own.matched, random: &own.random,
                                            windowStartMs: max(entry.activatedAtMs, scope.createdAtMs), nowMs: nowMs)
                    }
                } else {
                    step = Self.advance(entry.scenario, matched: &entry.matched, random: &entry.random,
                                        windowStartMs: entry.activatedAtMs, nowMs: nowMs)
                    state.entries[name] = entry
                }
                if let step {
                    faults += step.faults
                    if !step.faults.isEmpty { fired.append(name) }
                    if random == nil { random = step.random }
                }
            }
            return (faults, random, fired)
        }
    }

    /// Counts one more selected request and returns its step's faults, with the generator state
    /// they draw from, when the step applies to it (its position, window and chance).
    private static func advance(_ scenario: Scenario, matched: inout Int, random: inout SeededRandom, windowStartMs: Double,
                                nowMs: Double) -> (faults: [any Fault], random: SeededRandom)? {
        matched += 1
        guard let (step, position) = scenario.step(forRequest: matched) else { return nil }
        if let every = step.every, position % every != 0 { return nil }
        let elapsed = nowMs - windowStartMs
        if let from = step.fromMs, elapsed < from { return nil }
        if let until = step.untilMs, elapsed >= until { return nil }
        if let chance = step.chance, !random.chance(chance) { return nil }
        let drawn = random
        // The faults draw from this generator; advance the stored one so the next request differs.
        _ = random.next()
        return (step.faults, drawn)
    }
}
