import Dispatch
import Foundation
import Logging
import MockScope
import MockScopeHTTP
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

    public init(upstream: Upstream, directory: String, redact: [String] = [], keepPartial: Bool = false) {
        self.upstream = upstream
        self.directory = directory
        self.redact = redact
        self.keepPartial = keepPartial
    }
}

/// The `Forwarder` MockServer calls in record mode: sends the request upstream, passes the answer
/// to the client as it arrives (head at once, each chunk as it comes), and when the answer is
/// complete writes it as a fixture (redacted, atomically) and hands it to `onRecorded` so that the
/// next identical request replays. The fixture is on disk before the client sees the end of the
/// response. An answer that does not complete (upstream failure, client gone, server stopping)
/// leaves no fixture, or one marked partial with `keepPartial`.
public final class Recorder: Forwarder {
    /// Written into each fixture's metadata.
    public static let mockscopeVersion = "0.1.0"

    public let options: RecorderOptions
    public let client: UpstreamClient
    public let writer: FixtureWriter
    private let logger: Logger
    private let onRecorded: @Sendable (Fixture) -> Void
    private let inFlight = Mutex<(next: UInt64, stopped: Bool, tasks: [UInt64: Task<Void, Never>])>((0, false, [:]))

    public init(options: RecorderOptions, logger: Logger = Logger(label: "mockscope.recorder"),
                onRecorded: @escaping @Sendable (Fixture) -> Void = { _ in }) {
        self.options = options
        self.client = UpstreamClient(upstream: options.upstream)
        self.writer = FixtureWriter(directory: options.directory, redactor: Redactor(extraNames: options.redact),
                                    upstreamHost: options.upstream.hostDescription)
        self.logger = logger
        self.onRecorded = onRecorded
    }

    /// Exchanges being forwarded now.
    public var inFlightCount: Int { inFlight.withLock { $0.tasks.count } }

    /// Cancels what is in flight and stops the HTTP client. Call after the HTTP server stopped.
    public func shutdown() {
        let tasks = inFlight.withLock { state -> [Task<Void, Never>] in
            state.stopped = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
        client.shutdown()
    }

    // MARK: Forwarder

    public func forward(_ request: HTTPRequest, requestID: String) -> LiveResponse {
        let live = LiveResponse()
        let task = inFlight.withLock { state -> Task<Void, Never>? in
            guard !state.stopped else { return nil }
            let id = state.next
            state.next += 1
            let task = Task {
                await self.record(request, requestID: requestID, live: live)
                self.inFlight.withLock { _ = $0.tasks.removeValue(forKey: id) }
            }
            state.tasks[id] = task
            return task
        }
        guard let task else {
            live.fail(status: 503, headers: MockScopeHTTP.HTTPHeaders([("content-type", "text/plain")]), body: Array("MockScope is stopping\n".utf8))
            return live
        }
        live.onClientGone { task.cancel() }
        return live
    }

    // MARK: one exchange

    private func record(_ request: HTTPRequest, requestID: String, live: LiveResponse) async {
        let scope = writer.redactor.scope(for: request)
        let what = "\(request.method) \(request.path)\(scope.queryString(request.query))"
        let response: UpstreamResponse
        do {
            response = try await client.send(request)
        } catch {
            if Task.isCancelled || live.clientGone {
                live.fail()
                logger.info("not recorded: \(what): the client went away before the upstream answered")
                return
            }
            let reason = scope.scrub(Self.describe(error))
            let api = Endpoint(path: request.path).apiProtocol ?? .compatible
            let body = ProtocolResponses.errorBody(ErrorCatalog.serviceUnavailable, api: api, requestID: requestID,
                                                   message: "MockScope (recording) could not reach the upstream \(options.upstream.hostDescription): \(reason)")
            live.fail(status: 502, headers: ProtocolResponses.headers(contentType: "application/json", requestID: requestID),
                      body: Array(body.utf8))
            logger.warning("not recorded: \(what): upstream \(options.upstream.hostDescription) failed before answering: \(reason)")
            return
        }

        live.sendHead(status: response.status, headers: UpstreamClient.clientHeaders(response.headers))
        let contentType = response.headers["content-type"]?.lowercased() ?? ""
        let isStream = contentType.contains("text/event-stream")
        var splitter = SSEEventSplitter()
        var events: [PlannedEvent] = []
        var whole: [UInt8] = []
        var lastArrival = request.receivedAt
        var failure: String?
        do {
            for try await chunk in response.body {
                live.send(chunk)
                lastArrival = MonotonicClock.now()
                if isStream {
                    let at = Self.millis(from: request.receivedAt, to: lastArrival)
                    for event in splitter.feed(chunk) { events.append(PlannedEvent(atMs: at, bytes: event)) }
                } else {
                    whole += chunk
                }
                if live.clientGone { break }
            }
            if live.clientGone || Task.isCancelled { failure = "the client went away (or MockScope stopped) before the end" }
        } catch {
            failure = live.clientGone || Task.isCancelled
                ? "the client went away (or MockScope stopped) before the end"
                : "the upstream failed mid-answer: \(scope.scrub(Self.describe(error)))"
        }
        if isStream, let rest = splitter.finish() {
            events.append(PlannedEvent(atMs: Self.millis(from: request.receivedAt, to: lastArrival), bytes: rest))
        }

        var written: WrittenFixture?
        var notRecorded: String?
        if let encoding = response.headers["content-encoding"], encoding.lowercased() != "identity" {
            notRecorded = "the upstream sent a \(encoding)-encoded body despite Accept-Encoding: identity (passed through, not recorded)"
        } else if failure != nil, !options.keepPartial {
            notRecorded = failure
        } else if isStream ? events.contains(where: { String(validating: $0.bytes, as: UTF8.self) == nil })
                           : String(validating: whole, as: UTF8.self) == nil {
            notRecorded = "the body is not UTF-8 text (fixtures hold text)"
        } else {
            let exchange = RecordedExchange(request: request, status: response.status, headers: response.headers,
                                            body: isStream ? .events(events) : .whole(whole), partial: failure != nil)
            do {
                written = try await writeOffThePool(exchange)
            } catch {
                notRecorded = "writing the fixture failed: \(error)"
            }
        }
        if let written, failure == nil { onRecorded(written.fixture) }

        // The end, after the fixture is on disk: a client that sees the end may count on the file.
        if failure == nil { live.finish() } else { live.fail() }

        let count = isStream ? "events=\(events.count)" : "bytes=\(whole.count)"
        if let written {
            let partial = failure.map { " partial (\($0))" } ?? ""
            logger.info("recorded \(what) \(response.status) \(count) file=\(written.path)\(partial)")
        } else {
            logger.warning("not recorded: \(what) \(response.status) \(count): \(notRecorded ?? "unknown reason")")
        }
    }

    /// Fixture writing (fsync included) runs on a Dispatch thread, not Swift concurrency's small pool
    /// that carries every other stream's chunks.
    private func writeOffThePool(_ exchange: RecordedExchange) async throws -> WrittenFixture {
        let writer = self.writer
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try writer.write(exchange) })
            }
        }
    }

    static func millis(from start: UInt64, to end: UInt64) -> Double {
        end > start ? Double(end - start) / 1_000_000 : 0
    }

    static func describe(_ error: any Error) -> String {
        "\(error)"
    }
}
