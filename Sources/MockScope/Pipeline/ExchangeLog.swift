import Logging
import MockScopeHTTPTypes

/// The log's line per completed exchange: method, path, status, fixture or near-miss, duration.
/// What the request carried as a secret never reaches it (`SecretPolicy`), and nothing a
/// client sent can forge a line.
struct ExchangeLog: Sendable {
    let logger: Logger
    let policy: SecretPolicy
    /// The logger's level, read once (reading it per request copies the log handler).
    private let level: Logger.Level

    init(logger: Logger, policy: SecretPolicy) {
        self.logger = logger
        self.policy = policy
        self.level = logger.logLevel
    }

    /// Whether `completed` would write anything for this note.
    func writes(_ note: borrowing ExchangeNote) -> Bool {
        level <= .info || (note.nearMiss != nil && level <= .warning)
    }

    func completed(_ request: HTTPRequest, note: ExchangeNote, outcome: HTTPOutcome, millis: Double) {
        // Built only when it will be written: formatting is not free on this thread. Anything that
        // quotes the request (near-miss, fault text) may hold a secret it carried.
        let logsLine = level <= .info, logsNearMiss = note.nearMiss != nil && level <= .warning
        guard logsLine || logsNearMiss else { return }
        let secrets = note.faults.isEmpty && note.nearMiss == nil ? nil : policy.scope(for: request)
        let nearMiss = note.nearMiss.map { secrets?.text($0) ?? $0 }
        let faults = note.faults.map { secrets?.scrub($0) ?? $0 }
        if logsLine {
            var line = "\(request.method) \(request.path) \(outcome.status)"
            if let fixture = note.fixtureName { line += " fixture=\(fixture)" }
            if note.synthesized { line += " synthesized" }
            if note.forwarded { line += " forwarded" }
            if let error = note.error { line += " error=\(error)" }
            if !faults.isEmpty { line += " faults=[\(faults.joined(separator: "; "))]" }
            if !note.scenarios.isEmpty { line += " scenarios=\(note.scenarios.joined(separator: ","))" }
            line += " \((millis * 10).rounded() / 10)ms bytes=\(outcome.bytesSent)"
            if outcome.clientWentAway { line += " client-went-away" }
            logger.info("\(LogLine.oneLine(line))")
        }
        if logsNearMiss, let nearMiss { logger.warning("near miss: \(LogLine.oneLine(nearMiss))") }
    }
}
