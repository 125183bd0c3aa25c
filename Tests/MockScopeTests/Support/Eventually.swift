import Foundation
import Testing

/// Waits until `condition` holds, checking it every few milliseconds, for at most `timeout`.
/// On timeout it records one issue at the caller's line — "timed out after 5 s waiting for
/// <what>" — and throws, so the test stops there instead of blocking on what never came.
///
/// The one way the Swift tests wait for something another thread does: no fixed sleeps.
func eventually(_ what: @autoclosure () -> String, timeout: Duration = .seconds(5),
                sourceLocation: SourceLocation = #_sourceLocation, _ condition: () throws -> Bool) throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try condition() { return }
        if clock.now >= deadline { break }
        Thread.sleep(forTimeInterval: pollInterval)
    }
    // One last look: the condition may have come true while the deadline passed.
    let conditionHeld = try condition()
    try #require(conditionHeld, "timed out after \(timeout) waiting for \(what())", sourceLocation: sourceLocation)
}

/// How often `eventually` looks (seconds).
private let pollInterval = 0.002

