import Foundation

/// What MockScope decided for one exchange, kept until it completes (for the log and the journal).
public struct ExchangeNote: Sendable {
    /// The exchange's request id (written out when read).
    public var requestID: String { id.text }
    public var id: RequestID
    public var fixture: String?
    /// The test the request belongs to (`X-MockScope-Test-Id`), if it named one.
    public var testID: String?
    /// The answer of the fixture's sequence that was served (nil: not a sequence).
    public var sequenceIndex: Int?
    public var nearMiss: String?
    /// The request's secrets, when a stage worked them out from the parsed body (the near-miss
    /// refusal does, for the log line that quotes the request): nil means work them out from the request.
    var secrets: SecretScope?
    public var synthesized = false
    public var error: String?
    /// The faults applied, in the header syntax.
    public var faults: [String] = []
    /// The scenarios that added faults.
    public var scenarios: [String] = []
    /// Forwarded upstream (record mode); the recorder logs whether a fixture was written.
    public var forwarded = false
    /// What became of a forwarded exchange's recording (told by the recorder later).
    public var recording: RecordingOutcome?
    public var model: String?
    public var stream = false
    /// Fingerprint of the API key (never the key), when known beforehand; otherwise the journal
    /// works it out from the request's `Authorization` when it is read (not on the request path).
    public var apiKey: String?
    public var arrivedAt = Date()
    public var clockMs: Double = 0
    /// The answer's `retry-after-ms` / `retry-after`, in ms.
    public var retryAfterMs: Double?
    /// The request's endpoint (worked out once).
    var endpoint: Endpoint
    /// The remembered decision that answered a repeated request: its fixture and model are read
    /// from it when needed (not copied on the request path).
    var memo: DecisionMemo.Hit?

    public init(id: RequestID) { self.init(id: id, endpoint: .unknown, clockMs: 0) }

    init(id: RequestID, endpoint: Endpoint, clockMs: Double) {
        self.id = id
        self.endpoint = endpoint
        self.clockMs = clockMs
    }

    /// The fixture that answered, if any.
    public var fixtureName: String? { fixture ?? memo?.fixture.name }
    /// The model the request named, if known.
    public var modelName: String? { model ?? memo?.model }
}
