import MockScope

/// Scenarios named at start that could not be loaded.
public struct ScenarioLoadError: Error, CustomStringConvertible {
    public var problems: [ScenarioProblem]
    public var description: String {
        "\(problems.count) problem(s) in scenarios:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
