import Dispatch
import Foundation
import Logging
import MockScope
import MockScopeHTTPTypes
import Synchronization

/// How to record.
public struct RecorderOptions: Sendable {
    public var upstream: Upstream
    /// The folder fixtures are written to.
    public var directory: String
    /// Extra header, query parameter or body field names to redact (`--redact`).
    public var redact: [String]
    /// Keep an interrupted recording, marked `"partial": true` (replay ignores it).
    public var keepPartial: Bool
    /// The most bytes of an answer queued for a client that reads slower than the upstream sends
    /// (`--record-buffer-bytes`): over it, the upstream read pauses until the client has taken
    /// half of it. At least `minimumClientQueueBytes`.
    public var clientQueueBytes: Int
    /// Normalizers written into every recorded chat fixture (`--record-normalize`).
    public var normalize: [BuiltinNormalizer]

    public static let defaultClientQueueBytes = 1 << 20
    public static let minimumClientQueueBytes = 16 << 10

    public init(upstream: Upstream, directory: String, redact: [String] = [], keepPartial: Bool = false,
                clientQueueBytes: Int = RecorderOptions.defaultClientQueueBytes, normalize: [BuiltinNormalizer] = []) {
        self.normalize = normalize
        self.upstream = upstream
        self.directory = directory
        self.redact = redact
        self.keepPartial = keepPartial
        self.clientQueueBytes = max(Self.minimumClientQueueBytes, clientQueueBytes)
    }
}

/// The `Forwarder` ExchangeHandler calls in record mode: sends the request upstream, passes the answer
/// to the client as it arrives (head at once, each chunk as it comes, from the HTTP client's event
/// loop), and when the answer is complete writes it as a fixture (redacted, atomically, off the
/// event loop) and hands it to `onRecorded` so that the next identical request replays. The
/// fixture is on disk, and logged, before the client sees the end of the response. An answer that
/// does not complete (upstream failure, client gone, server stopping) leaves no fixture, or one
/// marked partial with `keepPartial`.
public final class Recorder: Forwarder {
    /// Written into each fixture's metadata.
    public static let mockscopeVersion = MockScopeVersion.current

    public let options: RecorderOptions
    public let client: UpstreamClient
    public let writer: FixtureWriter
    let logger: Logger
    let onRecorded: @Sendable (Fixture) -> Void
    private let inFlight = Mutex<(next: UInt64, stopped: Bool, exchanges: [UInt64: RecordingExchange])>((0, false, [:]))
    /// Where fixtures are written (fsync included): never on an event loop, and one at a time, so
    /// that streams ending together take one core, not every core, from the streams still being
    /// relayed (bench figure 4, 16 at once). The QoS changes no thread priority on Linux; a writer
    /// thread at nice 10 was tried and dropped: a client's answer ends only once its fixture is
    /// written, and under a parallel build a 12 MB recording's end then waited over 10 s.
    let writeQueue = DispatchQueue(label: "mockscope.recorder.write", qos: .utility)

    public init(options: RecorderOptions, logger: Logger = Logger(label: "mockscope.recorder"),
                onRecorded: @escaping @Sendable (Fixture) -> Void = { _ in }) {
        self.options = options
        self.client = UpstreamClient(upstream: options.upstream)
        self.writer = FixtureWriter(directory: options.directory, secrets: SecretPolicy(extraNames: options.redact),
                                    upstreamHost: options.upstream.hostDescription, normalize: options.normalize)
        self.logger = logger
        self.onRecorded = onRecorded
        for path in AtomicFile.sweepStaleTemporaries(below: options.directory) {
            logger.notice("removed \(path): a temporary file a killed recording left behind")
        }
    }

    /// Exchanges being forwarded or written now.
    public var inFlightCount: Int { inFlight.withLock { $0.exchanges.count } }

    /// Bytes queued for clients now (sent by upstreams, not yet taken by the HTTP layer), over
    /// every open exchange.
    public var clientQueueBytes: Int {
        inFlight.withLock { state in state.exchanges.values.map(\.live) }.reduce(0) { $0 + $1.queuedBytes }
    }

    /// The most bytes one exchange has had queued for its client (backpressure keeps it near
    /// `options.clientQueueBytes`: the bound plus one upstream read).
    public var peakClientQueueBytes: Int { peakQueue.load(ordering: .relaxed) }
    private let peakQueue = Atomic<Int>(0)

    func notePeak(_ bytes: Int) {
        var current = peakQueue.load(ordering: .relaxed)
        while bytes > current {
            let (exchanged, original) = peakQueue.compareExchange(expected: current, desired: bytes, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Why an exchange still open at shutdown is not complete (in its log line and partial file).
    public static let shutdownReason = "server shutting down"

    /// Takes no new exchange (503) and gives up every open one for `shutdownReason`: its upstream
    /// request is cancelled, it is written as a partial fixture with `keepPartial` or dropped,
    /// logged either way. Call before the HTTP server ends the clients' connections, so that the
    /// reason is the server's and not "the client went away". Safe to call twice.
    public func beginShutdown() {
        let exchanges = inFlight.withLock { state -> [RecordingExchange] in
            state.stopped = true
            return Array(state.exchanges.values)
        }
        if !exchanges.isEmpty {
            logger.notice("\(Self.shutdownReason): giving up \(exchanges.count) recording(s) still open")
        }
        for exchange in exchanges { exchange.cancel(reason: Self.shutdownReason) }
    }

    /// Drains, then stops the HTTP client: `beginShutdown`, then waits (at most `timeout`) until
    /// every exchange has concluded (its fixture or partial file written, its line logged), stops
    /// the client (what still runs fails and concludes), waits for the last writes, and removes any
    /// temporary file a write of this process left. Call from a thread that may block (not an
    /// event loop of the client).
    public func shutdown(timeout: Duration = .seconds(10)) {
        beginShutdown()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        func drain(until deadline: ContinuousClock.Instant) {
            while inFlightCount > 0, clock.now < deadline { Thread.sleep(forTimeInterval: 0.002) }
        }
        drain(until: deadline)
        client.shutdown()
        drain(until: max(deadline, clock.now.advanced(by: .seconds(1))))
        let written = DispatchSemaphore(value: 0)
        writeQueue.async { written.signal() }
        _ = written.wait(timeout: .now() + 2)
        let left = inFlightCount
        if left > 0 { logger.warning("\(Self.shutdownReason): \(left) recording(s) did not conclude in time; not recorded") }
        for path in AtomicFile.removeOwnTemporaries(below: options.directory) {
            logger.notice("removed \(path): the temporary file of a write cut short by the shutdown")
        }
    }

    // MARK: Forwarder

    public func forward(_ request: HTTPRequest, requestID: String, effects: [LiveEffect] = [],
                        outcome: RecordingOutcome = RecordingOutcome()) -> LiveResponse {
        let live = LiveResponse()
        let exchange = inFlight.withLock { state -> RecordingExchange? in
            guard !state.stopped else { return nil }
            let id = state.next
            state.next += 1
            let exchange = RecordingExchange(id: id, request: request, requestID: requestID, live: live, recorder: self,
                                             effects: effects, outcome: outcome)
            state.exchanges[id] = exchange
            return exchange
        }
        guard let exchange else {
            outcome.set(.notRecorded(reason: "the recorder is stopping"))
            live.fail(status: 503, headers: HeaderFields([("content-type", "text/plain")]), body: Array("MockScope is stopping\n".utf8))
            return live
        }
        live.onClientGone { [weak exchange] in exchange?.clientWentAway() }
        exchange.start()
        return live
    }

    func done(_ id: UInt64) { inFlight.withLock { _ = $0.exchanges.removeValue(forKey: id) } }

    static func millis(from start: UInt64, to end: UInt64) -> Double {
        end > start ? Double(end - start) / 1_000_000 : 0
    }
}

/// One forwarded exchange: passes the upstream's answer to the client and keeps what is needed to
/// write the fixture.
final class RecordingExchange: UpstreamSink {
    private struct State {
        var call: UpstreamCall?
        var status: Int?
        var headers = HeaderFields()
        var isStream = false
        var splitter = SSEEventSplitter()
        var events: [PlannedEvent] = []
        var whole: [UInt8] = []
        var lastArrival: UInt64 = 0
        /// Why it will not complete (client gone, server stopping), set before the upstream is cancelled.
        var cancelReason: String?
        var over = false
        /// The client's copy under faults' effects (empty: the upstream's bytes as they come).
        var client: ClientCopy
    }

    let id: UInt64
    let request: HTTPRequest
    let requestID: String
    let live: LiveResponse
    let recorder: Recorder
    let scope: SecretScope
    /// `METHOD path?query`, redacted, for logs.
    let what: String
    /// What the journal is told of the recording.
    let outcome: RecordingOutcome
    /// Whether faults change the client's copy (else bytes pass as they arrive).
    let hasEffects: Bool
    private let state: Mutex<State>

    init(id: UInt64, request: HTTPRequest, requestID: String, live: LiveResponse, recorder: Recorder, effects: [LiveEffect] = [],
         outcome: RecordingOutcome = RecordingOutcome()) {
        self.outcome = outcome
        self.hasEffects = !effects.isEmpty
        self.state = Mutex(State(client: ClientCopy(effects: effects)))
        self.id = id
        self.request = request
        self.requestID = requestID
        self.live = live
        self.recorder = recorder
        self.scope = recorder.writer.secrets.scope(for: request)
        self.what = LogLine.oneLine("\(request.method) \(request.path)\(scope.queryString(request.query))")
    }

    func start() {
        let call = recorder.client.start(request, sink: self)
        let cancelNow = state.withLock { state -> Bool in
            state.call = call
            return state.cancelReason != nil && !state.over
        }
        if cancelNow { call.cancel() }
    }

    /// The client left: the upstream is given up, unless a fault ended the client's copy on
    /// purpose (then the upstream's answer is still read to its end and recorded).
    func clientWentAway() {
        if state.withLock({ $0.client.ending != nil }) { return }
        cancel(reason: "the client went away before the end")
    }

    func cancel(reason: String) {
        let call = state.withLock { state -> UpstreamCall? in
            guard !state.over, state.cancelReason == nil else { return nil }
            state.cancelReason = reason
            return state.call
        }
        call?.cancel()
    }

    // MARK: UpstreamSink (event loop)

    func upstreamHead(status: Int, headers: HeaderFields) {
        state.withLock { state in
            state.status = status
            state.headers = headers
            state.isStream = headers["content-type"]?.lowercased().contains("text/event-stream") ?? false
            state.lastArrival = MonotonicClock.now()
        }
        live.sendHead(status: status, headers: UpstreamClient.clientHeaders(headers))
    }

    func upstreamBody(_ bytes: [UInt8], resume: @escaping @Sendable () -> Void) -> Bool {
        if hasEffects { return upstreamBodyUnderEffects(bytes, resume: resume) }
        // The arrival time is read before the bytes are handed on: once handed on, the client's
        // thread may send them before this one runs again (a recorded offset after the client had it).
        let now = MonotonicClock.now()
        let goOn = live.send(bytes, limit: recorder.options.clientQueueBytes, resume: resume)
        recorder.notePeak(live.peakQueuedBytes)
        state.withLock { state in
            state.lastArrival = now
            if state.isStream {
                let at = Recorder.millis(from: request.receivedAt, to: now)
                for event in state.splitter.feed(bytes) { state.events.append(PlannedEvent(atMs: at, bytes: event)) }
            } else {
                state.whole += bytes
            }
        }
        return goOn
    }

    /// As `upstreamBody`, with the client's copy going through faults' effects: whole events reach
    /// the client (a stream is split first), the recording keeps every upstream byte.
    private func upstreamBodyUnderEffects(_ bytes: [UInt8], resume: @escaping @Sendable () -> Void) -> Bool {
        let now = MonotonicClock.now()
        let (out, ending) = state.withLock { state -> ([UInt8], ClientCopy.Ending?) in
            state.lastArrival = now
            let before = state.client.ending
            var out: [UInt8] = []
            if state.isStream {
                let at = Recorder.millis(from: request.receivedAt, to: now)
                for event in state.splitter.feed(bytes) {
                    state.events.append(PlannedEvent(atMs: at, bytes: event))
                    out += state.client.pass(event: event)
                }
            } else {
                state.whole += bytes
                out = state.client.pass(piece: bytes)
            }
            return (out, before == nil ? state.client.ending : nil)
        }
        var goOn = true
        if !out.isEmpty { goOn = live.send(out, limit: recorder.options.clientQueueBytes, resume: resume) }
        if let ending {
            endClientCopy(ending)
            // The client's copy is over: read the upstream at its own pace, for the recording.
            if !goOn { resume() }
            return true
        }
        return goOn
    }

    /// Ends the client's copy the way a fault asked (the upstream goes on being recorded).
    private func endClientCopy(_ ending: ClientCopy.Ending) {
        switch ending {
        case .complete:
            live.finish()
        case .abort:
            live.fail()
        case .stall(let nanos):
            guard let nanos else { return }
            let live = self.live
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(min(nanos, UInt64(Int.max))))) { live.fail() }
        }
    }

    func upstreamEnd() {
        let cancelled = state.withLock { state -> String? in
            state.over = true
            return state.cancelReason
        }
        conclude(failure: cancelled)
    }

    func upstreamFailed(_ error: any Error) {
        let (reason, hadHead) = state.withLock { state -> (String, Bool) in
            state.over = true
            return (state.cancelReason ?? "the upstream failed: \(scope.scrub("\(error)"))", state.status != nil)
        }
        if !hadHead {
            outcome.set(.notRecorded(reason: reason))
            let upstream = recorder.options.upstream.hostDescription
            let dialect = Endpoint(path: request.path).errorDialect
            let message = "MockScope (recording) got no answer from the upstream \(upstream): \(reason)"
            let body = dialect.body(dialect.stated(ErrorCatalog.serviceUnavailable, message: message, model: nil), requestID: requestID)
            live.fail(status: 502, headers: ProtocolResponses.headers(contentType: "application/json", requestID: requestID),
                      body: Array(body.utf8))
            recorder.logger.warning("not recorded: \(what): \(reason)")
            recorder.done(id)
            return
        }
        conclude(failure: reason)
    }

    // MARK: the end

    /// Writes the fixture (off the event loop), then ends the client's response and logs one line.
    private func conclude(failure: String?) {
        let hasEffects = self.hasEffects
        let (snapshot, lastOut, clientEnding) = state.withLock { state -> (State, [UInt8], ClientCopy.Ending?) in
            let before = state.client.ending
            var out: [UInt8] = []
            if state.isStream, let rest = state.splitter.finish() {
                state.events.append(PlannedEvent(atMs: Recorder.millis(from: request.receivedAt, to: state.lastArrival), bytes: rest))
                if hasEffects { out += state.client.pass(event: rest) }
            }
            // Effects the answer never reached act at its end (as on a planned answer).
            if hasEffects, failure == nil { out += state.client.finish(isStream: state.isStream, status: state.status ?? 0, headers: state.headers) }
            return (state, out, before == nil ? state.client.ending : nil)
        }
        if !lastOut.isEmpty { live.send(lastOut) }
        if let clientEnding { endClientCopy(clientEnding) }
        let status = snapshot.status ?? 0
        let count = snapshot.isStream ? "events=\(snapshot.events.count)" : "bytes=\(snapshot.whole.count)"
        var skip: String?
        if let encoding = snapshot.headers["content-encoding"], encoding.lowercased() != "identity" {
            skip = "the upstream sent a \(encoding)-encoded body despite Accept-Encoding: identity (passed through, not recorded)"
        } else if let failure, !recorder.options.keepPartial {
            skip = failure
        } else if snapshot.isStream ? snapshot.events.contains(where: { String(validating: $0.bytes, as: UTF8.self) == nil })
                                    : String(validating: snapshot.whole, as: UTF8.self) == nil {
            skip = "the body is not UTF-8 text (fixtures hold text)"
        }
        if let skip {
            outcome.set(.notRecorded(reason: skip))
            recorder.logger.warning("not recorded: \(what) \(status) \(count): \(skip)")
            end(failure: failure)
            return
        }
        let exchange = RecordedExchange(request: request, status: status, headers: snapshot.headers,
                                        body: snapshot.isStream ? .events(snapshot.events) : .whole(snapshot.whole),
                                        partial: failure != nil)
        recorder.writeQueue.async { [self] in
            do {
                let written = try recorder.writer.write(exchange)
                outcome.set(.recorded(file: written.path, clientCopyChanged: snapshot.client.changed || clientEnding != nil))
                if failure == nil { recorder.onRecorded(written.fixture) }
                let partial = failure.map { " partial (\($0))" } ?? ""
                recorder.logger.info("recorded \(what) \(status) \(count) file=\(written.path)\(partial)")
            } catch {
                outcome.set(.notRecorded(reason: scope.scrub("\(error)")))
                recorder.logger.error("not recorded: \(what) \(status) \(count): \(scope.scrub("\(error)"))")
            }
            end(failure: failure)
        }
    }

    private func end(failure: String?) {
        // A client's copy a fault ended is left as the fault left it.
        if !state.withLock({ $0.client.ending != nil }) {
            if failure == nil { live.finish() } else { live.fail() }
        }
        recorder.done(id)
    }
}
