import Logging
import MockScopeHTTPTypes

/// The log's line per completed exchange: method, path, status, fixture or near-miss, duration.
/// What the request carried as a secret never reaches it (`SecretPolicy`), and nothing a
/// client sent can forge a line.
///
/// With a `BufferedLogWriter` (the CLI) the line is written as bytes straight into the writer's
/// buffer, in text or JSON: no `String` is built for it and no syscall is made per request
/// (bench figure 1, default settings). Without one it goes to the `Logger` (embedders, tests).
struct ExchangeLog: Sendable {
    let logger: Logger
    let policy: SecretPolicy
    let writer: BufferedLogWriter?
    /// The logger's level, read once (reading it per request copies the log handler).
    private let level: Logger.Level

    init(logger: Logger, policy: SecretPolicy, writer: BufferedLogWriter? = nil) {
        self.logger = logger
        self.policy = policy
        self.writer = writer
        self.level = logger.logLevel
    }

    /// Whether `completed` would write anything for this note.
    func writes(_ note: borrowing ExchangeNote) -> Bool {
        level <= .info || (note.nearMiss != nil && level <= .warning)
    }

    func completed(_ request: HTTPRequest, note: ExchangeNote, outcome: HTTPOutcome, millis: Double) {
        // Built only when it will be written. Anything that quotes the request (near-miss, fault
        // text) may hold a secret it carried.
        let logsLine = level <= .info, logsNearMiss = note.nearMiss != nil && level <= .warning
        guard logsLine || logsNearMiss else { return }
        let secrets = note.faults.isEmpty && note.nearMiss == nil ? nil : note.secrets ?? policy.scope(for: request)
        let nearMiss = note.nearMiss.map { secrets?.text($0) ?? $0 }
        let faults = note.faults.map { secrets?.scrub($0) ?? $0 }
        if logsLine {
            if let writer {
                writer.line { bytes, timestamp in
                    switch writer.format {
                    case .text: Self.text(&bytes, timestamp, request, note, faults, outcome, millis)
                    case .json: Self.json(&bytes, timestamp, request, note, faults, outcome, millis)
                    }
                }
            } else {
                var bytes: [UInt8] = []
                Self.fields(&bytes, request, note, faults, outcome, millis)
                logger.info("\(String(decoding: bytes, as: UTF8.self))")
            }
        }
        if logsNearMiss, let nearMiss { logger.warning("near miss: \(LogLine.oneLine(nearMiss))") }
    }

    /// `POST /path 200 fixture=… synthesized forwarded error=… faults=[…] scenarios=… 0.1ms bytes=N`.
    private static func fields(_ bytes: inout [UInt8], _ request: HTTPRequest, _ note: ExchangeNote, _ faults: [String],
                               _ outcome: HTTPOutcome, _ millis: Double) {
        bytes.append(escaped: request.method, .text)
        bytes.append(0x20)
        bytes.append(escaped: request.path, .text)
        bytes.append(0x20)
        bytes.append(decimal: outcome.status)
        if let fixture = note.fixtureName {
            bytes.append(ascii: " fixture=")
            bytes.append(escaped: fixture, .text)
        }
        if note.synthesized { bytes.append(ascii: " synthesized") }
        if note.forwarded { bytes.append(ascii: " forwarded") }
        if let error = note.error {
            bytes.append(ascii: " error=")
            bytes.append(escaped: error, .text)
        }
        if !faults.isEmpty {
            bytes.append(ascii: " faults=[")
            for (index, fault) in faults.enumerated() {
                if index > 0 { bytes.append(ascii: "; ") }
                bytes.append(escaped: fault, .text)
            }
            bytes.append(ascii: "]")
        }
        if !note.scenarios.isEmpty {
            bytes.append(ascii: " scenarios=")
            for (index, scenario) in note.scenarios.enumerated() {
                if index > 0 { bytes.append(0x2C) }
                bytes.append(escaped: scenario, .text)
            }
        }
        bytes.append(0x20)
        bytes.append(tenths: millis)
        bytes.append(ascii: "ms bytes=")
        bytes.append(decimal: outcome.bytesSent)
        if outcome.clientWentAway { bytes.append(ascii: " client-went-away") }
    }

    /// swift-log's stream layout: `<time> info mockscope: [MockScope] <fields>`.
    private static func text(_ bytes: inout [UInt8], _ timestamp: [UInt8], _ request: HTTPRequest, _ note: ExchangeNote,
                             _ faults: [String], _ outcome: HTTPOutcome, _ millis: Double) {
        bytes.append(contentsOf: timestamp)
        bytes.append(ascii: " info mockscope: [MockScope] ")
        fields(&bytes, request, note, faults, outcome, millis)
    }

    /// One JSON object: time, level, label, method, path, status, then what applies, ms, bytes.
    private static func json(_ bytes: inout [UInt8], _ timestamp: [UInt8], _ request: HTTPRequest, _ note: ExchangeNote,
                             _ faults: [String], _ outcome: HTTPOutcome, _ millis: Double) {
        BufferedLogHandler.jsonHead(&bytes, timestamp: timestamp, level: .info, label: "mockscope")
        bytes.append(ascii: ",\"method\":")
        bytes.append(jsonString: request.method)
        bytes.append(ascii: ",\"path\":")
        bytes.append(jsonString: request.path)
        bytes.append(ascii: ",\"status\":")
        bytes.append(decimal: outcome.status)
        if let fixture = note.fixtureName {
            bytes.append(ascii: ",\"fixture\":")
            bytes.append(jsonString: fixture)
        }
        if note.synthesized { bytes.append(ascii: ",\"synthesized\":true") }
        if note.forwarded { bytes.append(ascii: ",\"forwarded\":true") }
        if let error = note.error {
            bytes.append(ascii: ",\"error\":")
            bytes.append(jsonString: error)
        }
        if !faults.isEmpty {
            bytes.append(ascii: ",\"faults\":[")
            for (index, fault) in faults.enumerated() {
                if index > 0 { bytes.append(0x2C) }
                bytes.append(jsonString: fault)
            }
            bytes.append(ascii: "]")
        }
        if !note.scenarios.isEmpty {
            bytes.append(ascii: ",\"scenarios\":[")
            for (index, scenario) in note.scenarios.enumerated() {
                if index > 0 { bytes.append(0x2C) }
                bytes.append(jsonString: scenario)
            }
            bytes.append(ascii: "]")
        }
        bytes.append(ascii: ",\"ms\":")
        bytes.append(tenths: millis)
        bytes.append(ascii: ",\"bytes\":")
        bytes.append(decimal: outcome.bytesSent)
        if outcome.clientWentAway { bytes.append(ascii: ",\"client_went_away\":true") }
        bytes.append(0x7D)
    }
}
