import Synchronization

/// The state of every stateful module, one `ModuleState` per module name. It lives as long as the
/// server: replacing the fixtures or the settings keeps it; `POST /__admin/reset` empties it.
public final class ModuleStateStore: Sendable {
    private let states = Mutex<[String: any ModuleState]>([:])

    public init() {}

    /// The state kept under `name`, made by `make` the first time it is asked for.
    public func state<State: ModuleState>(_ name: String, make: () -> State) -> State {
        states.withLock { states in
            if let state = states[name] as? State { return state }
            let state = make()
            states[name] = state
            return state
        }
    }

    /// Empties every module's state.
    public func reset() {
        let all = states.withLock { Array($0.values) }
        for state in all { state.reset() }
    }
}
