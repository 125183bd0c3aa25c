import Synchronization

/// What one test (one `X-MockScope-Test-Id`) has of its own on a shared server: its progress
/// through each scenario, its rate-limit windows and its answer-sequence positions. The journal
/// and the conduct report are scoped by filtering on the id (`JournalFilter.testID`).
public final class TestScope: Sendable {
    /// The most rate-limit windows one test holds (each limit and key it uses is one).
    public static let maxRateWindows = 256

    public let id: String
    /// When the table made it (MockScope's clock): the test's scenario windows start no earlier.
    public let createdAtMs: Double
    /// The test's own windows, used instead of the server's for its requests.
    public let rateLimits = RateLimiterRegistry(maxWindows: TestScope.maxRateWindows)
    private let progress = Mutex<[String: ScenarioProgress]>([:])
    /// The sequence positions and the store generation they belong to: a new store starts them again.
    private let positions = Mutex<(generation: Int, positions: SequencePositions)>((0, SequencePositions()))

    init(id: String, createdAtMs: Double) {
        self.id = id
        self.createdAtMs = createdAtMs
    }

    /// Runs `body` on this test's progress through the scenarios (by name).
    func withProgress<T>(_ body: (inout [String: ScenarioProgress]) -> T) -> T {
        progress.withLock { body(&$0) }
    }

    /// The test's progress through a scenario, if it has any since the scenario's `epoch` began.
    func progress(of scenario: String, epoch: Int) -> ScenarioProgress? {
        progress.withLock { $0[scenario].flatMap { $0.epoch == epoch ? $0 : nil } }
    }

    /// Forgets the test's progress through one scenario (its next request meets the first step).
    func resetProgress(of scenario: String) { _ = progress.withLock { $0.removeValue(forKey: scenario) } }

    /// The test's own sequence positions in the store of `generation` (`ServerState.storeGeneration`).
    func positions(generation: Int) -> SequencePositions {
        positions.withLock { held in
            if held.generation != generation { held = (generation, SequencePositions()) }
            return held.positions
        }
    }
}
