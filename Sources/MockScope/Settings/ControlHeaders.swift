/// Per-request header that overrides the speed for one exchange.
public let speedHeader = "X-MockScope-Speed"
/// Per-request header with faults to apply (docs/faults.md).
public let faultHeader = "X-MockScope-Fault"
/// Per-request header naming scenarios to apply (comma-separated), active or not.
public let scenarioHeader = "X-MockScope-Scenario"
/// Per-request header naming the test a request belongs to: its journal entries, scenario
/// progress, rate-limit windows and answer-sequence positions are that test's own (`TestScopeTable`).
public let testIDHeader = "X-MockScope-Test-Id"

/// Reading the control headers' values.
enum ControlHeaders {
    /// A speed a client may ask for: a finite number, 0 or more.
    static func speed(_ text: String?) -> Double? {
        guard let text, let value = Double(text), value >= 0, value.isFinite else { return nil }
        return value
    }
}
