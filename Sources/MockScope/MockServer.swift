import Foundation
import Logging
import MockScopeHTTPTypes
import Synchronization

/// What to answer when no fixture matches.
public enum UnmatchedPolicy: String, Sendable, CaseIterable {
    /// The protocol's own error, whose message names the closest fixtures.
    case error
    /// A deterministic generated answer (see `Synthesizer`).
    case synthesize
}

/// Settings that a running server may change.
public struct MockSettings: Sendable {
    /// 1 = recorded timing, 2 = twice as fast, 0 = no delays.
    public var speed: Double = 1
    public var unmatched: UnmatchedPolicy = .error
    /// Keys accepted in `Authorization: Bearer`; empty = any non-empty key.
    public var apiKeys: Set<String> = []
    /// When set, every `/__admin/` request must carry it (`Authorization: Bearer` or `X-MockScope-Admin-Token`).
    public var adminToken: String?
    /// Faults applied to every protocol request (e.g. `--rate-limit`), before scenarios'.
    public var globalFaults: [any Fault] = []
    /// When to forward to the real service and record (needs a forwarder attached).
    public var record: RecordMode = .none

    public init(speed: Double = 1, unmatched: UnmatchedPolicy = .error, apiKeys: Set<String> = [], globalFaults: [any Fault] = []) {
        self.speed = speed
        self.unmatched = unmatched
        self.apiKeys = apiKeys
        self.globalFaults = globalFaults
    }
}

/// What MockScope decided for one exchange, kept until it completes (for the log and the journal).
public struct ExchangeNote: Sendable {
    /// The exchange's request id (written out when read).
    public var requestID: String { id.text }
    public var id: RequestID
    public var fixture: String?
    public var nearMiss: String?
    public var synthesized = false
    public var error: String?
    /// The faults applied, in the header syntax.
    public var faults: [String] = []
    /// The scenarios that added faults.
    public var scenarios: [String] = []
    /// Forwarded upstream (record mode); the recorder logs whether a fixture was written.
    public var forwarded = false
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
    var endpoint = Endpoint.unknown
    /// The remembered decision that answered a repeated request: its fixture and model are read
    /// from it when needed (not copied on the request path).
    var hit: DecisionCache.Hit?

    /// The fixture that answered, if any.
    public var fixtureName: String? { fixture ?? hit?.fixture.name }
    /// The model the request named, if known.
    public var modelName: String? { model ?? hit?.model }
}

/// Per-request header that overrides the speed for one exchange.
public let speedHeader = "X-MockScope-Speed"
/// Per-request header with faults to apply (docs/faults.md).
public let faultHeader = "X-MockScope-Fault"
/// Per-request header naming scenarios to apply (comma-separated), active or not.
public let scenarioHeader = "X-MockScope-Scenario"

/// Turns each request into a response plan: auth, protocol checks, fixture lookup (or near-miss,
/// or synthesis). Runs on libmicrohttpd's threads: no I/O, no waiting, locks held only to copy.
public final class MockServer: HTTPHandler {
    /// The store and settings in force, replaced whole on every change: a request takes one
    /// reference under the lock instead of copying both.
    private final class Snapshot: Sendable {
        let store: FixtureStore
        let settings: MockSettings
        /// Counts store replacements (not settings changes): see `changeStore`.
        let storeGeneration: Int
        init(store: FixtureStore, settings: MockSettings, storeGeneration: Int) {
            self.store = store
            self.settings = settings
            self.storeGeneration = storeGeneration
        }
    }

    private let state: Mutex<Snapshot>
    private let activeStreams: Mutex<(@Sendable () -> Int)?>
    private let openRequests = Mutex<(@Sendable () -> Int)?>(nil)
    private let forwarder = Mutex<(any Forwarder)?>(nil)
    public let logger: Logger
    public let scenarios: ScenarioEngine
    public let clock: MockClock
    public let rateLimits = RateLimiterRegistry()
    public let journal: Journal
    public let metrics = ServerMetrics()
    /// Reloads the fixtures from where they came from (set by the runtime; admin `reload` and `reset`).
    private let fixtureSource = Mutex<(@Sendable () throws -> [Fixture])?>(nil)
    /// The settings the server started with (admin `reset` returns to them).
    public let initialSettings: MockSettings
    /// Randomness for header faults: seeded once, advanced per request.
    private let headerRandom: Mutex<SeededRandom>
    /// Builds whole answers in the HTTP layer's own form (nil: plain bytes, e.g. in memory).
    private let preparer: (any AnswerPreparer)?

    public init(store: FixtureStore, settings: MockSettings = MockSettings(), clock: MockClock = MockClock(), seed: UInt64 = 1,
                journalSize: Int = 1000, logger: Logger = Logger(label: "mockscope"), preparer: (any AnswerPreparer)? = nil) {
        self.preparer = preparer
        self.state = Mutex(Snapshot(store: store, settings: settings, storeGeneration: 0))
        self.initialSettings = settings
        self.journal = Journal(capacity: journalSize)
        self.activeStreams = Mutex(nil)
        self.logger = logger
        self.clock = clock
        self.scenarios = ScenarioEngine(defaultSeed: seed)
        self.headerRandom = Mutex(SeededRandom(seed: seed))
    }

    /// Streams the HTTP layer is sending right now.
    public var activeStreamCount: Int { activeStreams.withLock { $0 }?() ?? 0 }

    public var store: FixtureStore { state.withLock { $0 }.store }
    public var settings: MockSettings { state.withLock { $0 }.settings }

    public func replaceStore(_ store: FixtureStore) {
        state.withLock { $0 = Snapshot(store: store, settings: $0.settings, storeGeneration: $0.storeGeneration + 1) }
    }

    public func updateSettings(_ change: (inout MockSettings) -> Void) {
        state.withLock { state in
            var settings = state.settings
            change(&settings)
            state = Snapshot(store: state.store, settings: settings, storeGeneration: state.storeGeneration)
        }
    }

    /// Replaces the store with one built from `change(current fixtures)` (nil: no change). The new
    /// store is built outside the lock — building indexes every fixture, and requests must not wait
    /// on it (a recording session adds a fixture per exchange) — then swapped in, unless the store
    /// changed meanwhile: then it is built again from that one. Returns whether it changed.
    private func changeStore(_ change: ([Fixture]) -> [Fixture]?) -> Bool {
        while true {
            let current = state.withLock { $0 }
            guard let fixtures = change(current.store.fixtures) else { return false }
            let store = FixtureStore(fixtures)
            let swapped = state.withLock { state -> Bool in
                guard state.storeGeneration == current.storeGeneration else { return false }
                state = Snapshot(store: store, settings: state.settings, storeGeneration: state.storeGeneration + 1)
                return true
            }
            if swapped { return true }
        }
    }

    /// Where `reloadFixtures` reads from.
    public func setFixtureSource(_ source: @escaping @Sendable () throws -> [Fixture]) { fixtureSource.withLock { $0 = source } }

    /// Reloads fixtures from their source (runtime additions are dropped). Throws the loader's error.
    public func reloadFixtures() throws -> Int {
        guard let source = fixtureSource.withLock({ $0 }) else { return store.count }
        let store = FixtureStore(try source())
        replaceStore(store)
        return store.count
    }

    /// Removes a fixture by name; false when there is none.
    public func removeFixture(named name: String) -> Bool {
        changeStore { fixtures in
            fixtures.contains { $0.name == name } ? fixtures.filter { $0.name != name } : nil
        }
    }

    /// Attaches the recorder's forwarder (used when `settings.record` is `new` or `all`).
    public func attachForwarder(_ forwarder: any Forwarder) { self.forwarder.withLock { $0 = forwarder } }

    /// Adds (or replaces, by name) a fixture at runtime: a new recording, or a test's own stub.
    public func addFixture(_ fixture: Fixture) {
        _ = changeStore { fixtures in fixtures.filter { $0.name != fixture.name } + [fixture] }
    }

    /// Lets the admin status report the HTTP layer's counts of open streams and open requests.
    public func reportActiveStreams(_ streams: @escaping @Sendable () -> Int, openRequests: @escaping @Sendable () -> Int = { 0 }) {
        activeStreams.withLock { $0 = streams }
        self.openRequests.withLock { $0 = openRequests }
    }

    /// Requests received and not yet completed (streams, waits and hangs included).
    public var openRequestCount: Int { openRequests.withLock { $0 }?() ?? 0 }

    // MARK: HTTPHandler

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let requestID = RequestID.next()
        let endpoint = Endpoint(path: request.path)
        if endpoint == .admin { return AdminAPI(server: self).handle(request, requestID: requestID.text).httpResponse() }
        // One reference to the store and settings in force (not copies: their storage is shared
        // by both libmicrohttpd threads, and every copy would touch its reference counts).
        let snapshot = state.withLock { $0 }
        var note = ExchangeNote(id: requestID)
        note.endpoint = endpoint
        note.clockMs = clock.nowMs()
        let heads = RequestHeads(request.headers)
        var decision = Decision(apiKey: Self.apiKey(heads.authorization))
        if snapshot.settings.record != .none,
           let forwarded = forwardIfRecording(request, endpoint: endpoint, store: snapshot.store, settings: snapshot.settings,
                                              requestID: requestID.text, note: &note) {
            return forwarded.httpResponse(tag: record(request, status: 0, note: note))
        }
        let started = MonotonicClock.now()
        let answer = decide(request, heads: heads, endpoint: endpoint, store: snapshot.store, settings: snapshot.settings,
                            requestID: requestID, note: &note, decision: &decision)
        metrics.matched(nanoseconds: MonotonicClock.now() &- started)
        var plan: ResponsePlan
        switch answer {
        case .cached(let hit):
            // A repeated request whose fixture answer nothing can change goes out as the response
            // built for it once.
            if !mayApplyFaults(heads, settings: snapshot.settings) {
                if let prepared = hit.prepared {
                    note.retryAfterMs = hit.retryAfterMs
                    return HTTPResponse(status: prepared.status, headers: hit.fixture.response.headers, body: .prepared(prepared),
                                        tag: record(request, status: prepared.status, note: note))
                }
                // A stream at its recorded timing: the timed chunks made once.
                if let chunks = hit.recordedChunks, (Self.speed(heads.speed) ?? snapshot.settings.speed) == 1 {
                    note.retryAfterMs = hit.retryAfterMs
                    return HTTPResponse(status: hit.fixture.response.status, headers: hit.fixture.response.headers,
                                        body: .stream(chunks, ending: .complete),
                                        tag: record(request, status: hit.fixture.response.status, note: note))
                }
            }
            plan = hit.fixture.plan
        case .plan(let decided):
            plan = decided
            note.model = Self.model(of: decision.body, endpoint: endpoint)
        }
        plan.applySpeed(Self.speed(heads.speed) ?? snapshot.settings.speed)
        if endpoint.apiProtocol != nil {
            applyFaults(to: &plan, request: request, heads: heads, endpoint: endpoint, settings: snapshot.settings, decision: decision, note: &note)
        }
        note.retryAfterMs = Self.retryAfterMs(plan.headers)
        return plan.httpResponse(tag: record(request, status: plan.status, note: note))
    }

    /// Whether any fault could apply to a request: its own headers, global faults, an active scenario.
    func mayApplyFaults(_ heads: RequestHeads, settings: MockSettings) -> Bool {
        heads.fault != nil || heads.scenario != nil || !settings.globalFaults.isEmpty || scenarios.anyActive
    }

    /// What `decide` settled on: a plan, or a remembered decision for a repeated request.
    enum Answer {
        case plan(ResponsePlan)
        case cached(DecisionCache.Hit)
    }

    /// What an answer's `retry-after-ms` (or else `retry-after`, in seconds) asks, in ms.
    static func retryAfterMs(_ headers: HeaderFields) -> Double? {
        if let ms = headers["retry-after-ms"].flatMap(Double.init) { return ms }
        return headers["retry-after"].flatMap(Double.init).map { $0 * 1000 }
    }

    /// Journals the exchange before its first byte is sent, so that a client which has read its
    /// answer finds it in the journal. The record is the response's tag: `completed` gets it back
    /// and fills in the outcome.
    func record(_ request: HTTPRequest, status: Int, note: consuming ExchangeNote) -> JournalRecord {
        let record = JournalRecord(request: request, note: note, status: status)
        journal.record(record)
        return record
    }

    /// In record mode `all`, every request goes upstream; in `new`, those no fixture matches.
    /// The real service does its own auth and validation, so none is done here.
    func forwardIfRecording(_ request: HTTPRequest, endpoint: Endpoint, store: FixtureStore, settings: MockSettings,
                            requestID: String, note: inout ExchangeNote) -> ResponsePlan? {
        guard settings.record == .all || settings.record == .new, let forwarder = forwarder.withLock({ $0 }) else { return nil }
        if settings.record == .new {
            var body: JSONValue? = Self.genericBody(request.body)
            if endpoint.isGeneration, body?.objectValue == nil { body = nil }
            let input = MatchInput(method: request.method, path: request.path, query: request.query, headers: request.headers.fields, body: body)
            if case .matched = store.match(input) { return nil }
        }
        note.forwarded = true
        return ResponsePlan(status: 0, headers: HeaderFields(), body: .live(forwarder.forward(request, requestID: requestID)))
    }

    /// What `decide` learned that faults need.
    struct Decision {
        /// The request's API key (`Authorization: Bearer`), parsed once.
        var apiKey: String?
        /// The cached decision that answered, if one did (shared, not copied).
        var hit: DecisionCache.Hit?
        var parsedBody: JSONValue?
        var matchedFixture: Fixture?

        var body: JSONValue? { hit.map(\.body) ?? parsedBody }
        var fixture: Fixture? { hit.map(\.fixture) ?? matchedFixture }
    }

    /// Global faults, then scenarios' (in activation order), then the request's own header faults.
    func applyFaults(to plan: inout ResponsePlan, request: HTTPRequest, heads: RequestHeads, endpoint: Endpoint, settings: MockSettings,
                     decision: Decision, note: inout ExchangeNote) {
        let api = endpoint.apiProtocol ?? .compatible
        let faultText = heads.fault, scenarioNames = heads.scenario
        // The common case: nothing to apply, and nothing built to find that out.
        guard mayApplyFaults(heads, settings: settings) else { return }
        var headerFaults: [any Fault] = []
        if let text = faultText {
            do {
                headerFaults = try FaultRegistry.parse(text)
            } catch {
                note.error = ErrorCatalog.badFault.name
                plan = ProtocolResponses.errorPlan(ErrorCatalog.badFault, api: api, requestID: note.requestID,
                                                   message: "\(faultHeader): \(error.description)")
                return
            }
        }
        var forced: [String] = []
        if let names = scenarioNames {
            forced = names.split(separator: ",").map { String($0).trimmedSpaces }.filter { !$0.isEmpty }
            if let unknown = forced.first(where: { !scenarios.contains($0) }) {
                note.error = ErrorCatalog.badFault.name
                let known = scenarios.all.map(\.scenario.name).joined(separator: ", ")
                plan = ProtocolResponses.errorPlan(ErrorCatalog.badFault, api: api, requestID: note.requestID,
                                                   message: "\(scenarioHeader): no scenario named \"\(unknown)\"; loaded: \(known.isEmpty ? "none" : known)")
                return
            }
        }
        let model = note.modelName
        let apiKey = decision.apiKey
        let nowMs = clock.nowMs()
        let selected = scenarios.faults(for: ScenarioRequest(path: request.path, model: model, headers: request.headers.fields,
                                                              fixture: decision.fixture?.name, apiKey: apiKey),
                                        forced: forced, nowMs: nowMs)
        let faults = settings.globalFaults + selected.faults + headerFaults
        guard !faults.isEmpty else { return }
        let random = selected.random ?? headerRandom.withLock { generator in
            let copy = generator
            _ = generator.next()
            return copy
        }
        var context = FaultContext(api: api, requestID: note.requestID, model: model, apiKey: apiKey,
                                   promptTokens: TokenEstimate.prompt(decision.body),
                                   completionTokens: decision.fixture?.completionTokens ?? 0,
                                   nowMs: nowMs, random: random, rateLimits: rateLimits)
        for fault in faults {
            fault.apply(to: &plan, context: &context)
            note.faults.append(fault.description)
        }
        note.scenarios = selected.fired
    }

    /// A log line can never be forged by what a client sent: control characters (CR, LF, ...)
    /// are written escaped.
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0..<0x20, 0x7F: result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func model(of body: JSONValue?, endpoint: Endpoint) -> String? {
        if case .application = endpoint { return body?["parameters"]?["model"]?.stringValue }
        return body?["model"]?.stringValue
    }

    private static let bearerScheme = Array("bearer".utf8)

    /// The key of `Authorization: Bearer <key>` (scheme case-insensitive, spaces around the key
    /// ignored), or nil. Byte-level: it runs for every request.
    static func apiKey(_ headers: HeaderFields) -> String? { apiKey(headers["authorization"]) }

    /// The key in an `Authorization` value (see above).
    static func apiKey(_ authorization: String?) -> String? {
        guard var value = authorization else { return nil }
        return value.withUTF8 { bytes -> String? in
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 { start += 1 }
            let scheme = Self.bearerScheme
            guard end - start > scheme.count, bytes[start + scheme.count] == 0x20 else { return nil }
            for (offset, letter) in scheme.enumerated() where bytes[start + offset] | 0x20 != letter { return nil }
            start += scheme.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            return start < end ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) : nil
        }
    }

    public func completed(_ request: HTTPRequest, outcome: HTTPOutcome) {
        guard let record = outcome.tag as? JournalRecord else { return }
        // The note's fields are read in place (a copy of the whole note costs a retain per field).
        let millis = Double(outcome.durationNanos) / 1e6
        let endpoint = record.note.endpoint
        let fixture = record.note.fixtureName
        let route = endpoint == .unknown || endpoint == .compatibleOther || endpoint == .nativeOther && fixture == nil ? "other" : request.path
        let answer = fixture ?? (record.note.synthesized ? "(synthesized)" : record.note.forwarded ? "(forwarded)" : "(none)")
        metrics.exchange(path: route.hasPrefix("/api/v1/apps/") ? "/api/v1/apps/{id}/completion" : route, status: outcome.status,
                         fixture: answer, bytes: outcome.bytesSent)
        for fault in record.note.faults { metrics.faultFired(kind: String(fault.prefix { $0 != " " })) }
        // After the metrics: a test that waited for the entry to complete then finds them counted.
        journal.complete(record, status: outcome.status, bytesSent: outcome.bytesSent, durationMs: millis,
                         clientWentAway: outcome.clientWentAway)
        // Built only when it will be written: formatting is not free on this thread. Anything that
        // quotes the request (near-miss, fault text) may hold a secret it carried.
        let logsLine = logger.logLevel <= .info, logsNearMiss = record.note.nearMiss != nil && logger.logLevel <= .warning
        guard logsLine || logsNearMiss else { return }
        let note = record.note
        let secrets = note.faults.isEmpty && note.nearMiss == nil ? [] : SecretRedaction.secrets(headers: request.headers.fields, query: request.query)
        let nearMiss = note.nearMiss.map { SecretRedaction.scrub($0, secrets: secrets) }
        let faults = note.faults.map { SecretRedaction.scrub($0, secrets: secrets) }
        if logsLine {
            var line = "\(request.method) \(request.path) \(outcome.status)"
            if let fixture { line += " fixture=\(fixture)" }
            if note.synthesized { line += " synthesized" }
            if note.forwarded { line += " forwarded" }
            if let error = note.error { line += " error=\(error)" }
            if !faults.isEmpty { line += " faults=[\(faults.joined(separator: "; "))]" }
            if !note.scenarios.isEmpty { line += " scenarios=\(note.scenarios.joined(separator: ","))" }
            line += " \((millis * 10).rounded() / 10)ms bytes=\(outcome.bytesSent)"
            if outcome.clientWentAway { line += " client-went-away" }
            logger.info("\(Self.oneLine(line))")
        }
        if logsNearMiss, let nearMiss { logger.warning("near miss: \(Self.oneLine(nearMiss))") }
    }

    // MARK: deciding

    static func speed(_ text: String?) -> Double? {
        guard let text, let value = Double(text), value >= 0, value.isFinite else { return nil }
        return value
    }

    func decide(_ request: HTTPRequest, heads: RequestHeads, endpoint: Endpoint, store: FixtureStore, settings: MockSettings,
                requestID: RequestID, note: inout ExchangeNote, decision: inout Decision) -> Answer {
        if let hit = cachedDecision(request, heads: heads, apiKey: decision.apiKey, endpoint: endpoint, store: store, settings: settings) {
            note.stream = hit.stream
            note.hit = hit
            decision.hit = hit
            return .cached(hit)
        }
        return .plan(decideAnew(request, heads: heads, endpoint: endpoint, store: store, settings: settings, requestID: requestID.text,
                                note: &note, decision: &decision))
    }

    /// The remembered decision for a request seen before (same bytes), if its checks pass as
    /// `decideAnew`'s would: a key, the right method, a body within the limit, a JSON content type.
    func cachedDecision(_ request: HTTPRequest, heads: RequestHeads, apiKey: String?, endpoint: Endpoint, store: FixtureStore,
                        settings: MockSettings) -> DecisionCache.Hit? {
        guard endpoint.isGeneration, request.query.isEmpty, !request.bodyTooLarge, request.method == "POST",
              let key = apiKey, settings.apiKeys.isEmpty || settings.apiKeys.contains(key),
              heads.contentType?.containsASCIICaseInsensitive("application/json") == true else { return nil }
        return store.decisions.hit(DecisionCache.Key(method: request.method, path: request.path, nativeStream: heads.nativeStream,
                                                     body: request.body))
    }

    func decideAnew(_ request: HTTPRequest, heads: RequestHeads, endpoint: Endpoint, store: FixtureStore, settings: MockSettings,
                    requestID: String, note: inout ExchangeNote, decision: inout Decision) -> ResponsePlan {
        func fail(_ spec: ErrorSpec, _ api: APIProtocol, _ message: String? = nil) -> ResponsePlan {
            note.error = spec.name
            return ProtocolResponses.errorPlan(spec, api: api, requestID: requestID, message: message)
        }

        guard let api = endpoint.apiProtocol else {
            // A path no protocol owns: only a fixture recorded for it answers.
            let input = MatchInput(method: request.method, path: request.path, query: request.query,
                                   headers: request.headers.fields, body: Self.genericBody(request.body))
            if case .matched(let fixture) = store.match(input) {
                note.fixture = fixture.name
                decision.matchedFixture = fixture
                return fixture.plan
            }
            note.error = "not_found"
            return ResponsePlan(status: 404, headers: HeaderFields([("x-request-id", requestID)]), body: .whole([]))
        }

        guard let key = decision.apiKey, settings.apiKeys.isEmpty || settings.apiKeys.contains(key) else { return fail(ErrorCatalog.invalidApiKey, api) }
        if let method = endpoint.expectedMethod, request.method != method {
            var plan = fail(ErrorCatalog.methodNotAllowed, api, "Method \(request.method) is not allowed on \(request.path); use \(method).")
            plan.headers.add("Allow", method)
            return plan
        }
        if request.bodyTooLarge { return fail(ErrorCatalog.tooLarge, api) }

        let cacheKey = DecisionCache.Key(method: request.method, path: request.path, nativeStream: heads.nativeStream, body: request.body)

        var body: JSONValue?
        var stream = false
        if endpoint.isGeneration {
            let contentType = heads.contentType ?? ""
            guard contentType.containsASCIICaseInsensitive("application/json") else {
                return fail(ErrorCatalog.unsupportedContentType, api,
                            "Content-Type must be application/json (got \(contentType.isEmpty ? "none" : "\"\(contentType)\"")).")
            }
            guard let parsed = try? JSONValue.parse(request.body), case .object(let object) = parsed else {
                return fail(ErrorCatalog.invalidJSON, api)
            }
            body = parsed
            switch endpoint {
            case .compatibleChat:
                guard let model = object["model"]?.stringValue, !model.isEmpty else { return fail(ErrorCatalog.emptyModel, api) }
                guard object["messages"]?.arrayValue != nil else { return fail(ErrorCatalog.messagesMissing, api) }
                stream = object["stream"]?.boolValue ?? false
                if !stream, Self.isStreamOnly(model) { return fail(ErrorCatalog.streamOnly, api) }
            case .nativeGeneration:
                guard let model = object["model"]?.stringValue, !model.isEmpty else { return fail(ErrorCatalog.emptyModel, api) }
                guard let input = object["input"]?.objectValue else { return fail(ErrorCatalog.emptyInput, api) }
                guard input["messages"]?.arrayValue != nil || input["prompt"]?.stringValue != nil else {
                    return fail(ErrorCatalog.messagesMissing, api)
                }
                stream = heads.nativeStream
                if !stream, Self.isStreamOnly(model) { return fail(ErrorCatalog.streamOnly, api) }
            default:
                guard object["input"]?.objectValue != nil else { return fail(ErrorCatalog.emptyInput, api) }
                stream = heads.nativeStream
            }
        } else {
            body = Self.genericBody(request.body)
        }

        decision.parsedBody = body
        note.stream = stream
        let input = MatchInput(method: request.method, path: request.path, query: request.query,
                               headers: request.headers.fields, body: body)
        switch store.match(input) {
        case .matched(let fixture):
            note.fixture = fixture.name
            decision.matchedFixture = fixture
            if endpoint.isGeneration, request.query.isEmpty {
                store.decisions.remember(cacheKey, fixture: fixture, body: body, stream: stream,
                                         model: Self.model(of: body, endpoint: endpoint), preparer: preparer)
            }
            return fixture.plan
        case .missed(let nearMiss):
            if !endpoint.isGeneration, nearMiss.fixturesOnRoute == 0 {
                return fail(ErrorCatalog.invalidURL, api)
            }
            if settings.unmatched == .synthesize, endpoint.isGeneration, let body {
                note.synthesized = true
                return Synthesizer.plan(for: SynthesisRequest(endpoint: endpoint, body: body, stream: stream, requestID: requestID))
            }
            note.nearMiss = nearMiss.description
            return fail(ErrorCatalog.noMatch, api, nearMiss.description)
        }
    }

    /// Models that answer only in stream mode (QwQ, QVQ).
    static func isStreamOnly(_ model: String) -> Bool {
        model.hasPrefix("qwq") || model.hasPrefix("qvq")
    }

    /// A body on a path MockScope has no protocol knowledge of: JSON if it parses, else its text.
    static func genericBody(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        if let value = try? JSONValue.parse(bytes) { return value }
        return .string(String(decoding: bytes, as: UTF8.self))
    }
}
