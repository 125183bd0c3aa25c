/// What a sequence fixture (`responses: [...]`) serves once each of its answers has been served
/// in order (docs/fixture-format.md, "Answer sequences").
public enum AfterLast: String, Sendable, CaseIterable {
    /// The last answer again, for ever (a finished task stays finished).
    case `repeat`
    /// From the first answer again.
    case cycle
    /// MockScope's no-match error naming the fixture (a test that asks once too often fails).
    case error
}
