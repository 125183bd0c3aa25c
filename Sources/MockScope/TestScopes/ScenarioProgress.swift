/// How far one test has got through one scenario: its own count of selected requests and its own
/// seeded generator, so two tests running the same scenario both see its first step. `epoch` is the scenario's when the progress began: a scenario replaced or
/// reset since has another, and the test's progress starts again.
struct ScenarioProgress: Sendable {
    var epoch: Int
    var matched = 0
    var random: SeededRandom
}
