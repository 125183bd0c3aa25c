import Foundation
import MockScope
import MockScopeHTTPTypes

/// `mockscope drift`: re-sends each fixture's recorded request to the upstream with the user's key
/// and reports how the live answer's shape differs from the recording (`AnswerShape`). Fixtures are
/// rewritten only when `update` is set: atomically, redacted, with the live answer's timing.
public struct DriftCheck: Sendable {
    public var upstream: Upstream
    /// The key sent as `Authorization: Bearer` (read from the environment by the CLI; never written).
    public var apiKey: String?
    public var update: Bool
    public var secrets: SecretPolicy
    /// How long one answer may take, in seconds (connecting: at most 10 of them).
    public var timeoutSeconds: Int64

    public init(upstream: Upstream, apiKey: String?, update: Bool = false, secrets: SecretPolicy = .standard, timeoutSeconds: Int64 = 120) {
        self.upstream = upstream
        self.apiKey = apiKey
        self.update = update
        self.secrets = secrets
        self.timeoutSeconds = timeoutSeconds
    }

    /// The request a fixture recorded, as it is sent again: its method, path, query, matching
    /// headers and body, with the key and a JSON content type.
    public func request(for fixture: Fixture) -> HTTPRequest {
        var headers = HeaderFields(fixture.request.headers)
        if let apiKey { headers.add("Authorization", "Bearer " + apiKey) }
        var body: [UInt8] = []
        if let value = fixture.request.body {
            if case .string(let text) = value, !Endpoint(path: fixture.request.path).isGeneration {
                body = Array(text.utf8)
            } else {
                var writer = JSONWriter()
                writer.value(value)
                body = Array(writer.text.utf8)
                headers.add("Content-Type", "application/json")
            }
        }
        let query = fixture.request.query.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        return HTTPRequest(method: fixture.request.method, path: fixture.request.path, query: query, headers: headers, body: body)
    }

    /// Checks every fixture, one at a time, in name order.
    public func run(_ fixtures: [Fixture]) -> DriftReport {
        let client = UpstreamClient(upstream: upstream, connectTimeout: .seconds(min(timeoutSeconds, 10)), readTimeout: .seconds(timeoutSeconds))
        defer { client.shutdown() }
        var results: [DriftResult] = []
        for fixture in fixtures.sorted(by: { $0.name < $1.name }) where !fixture.isPartial {
            results.append(check(fixture, client: client))
        }
        return DriftReport(upstream: upstream.baseURL, results: results)
    }

    func check(_ fixture: Fixture, client: UpstreamClient) -> DriftResult {
        let request = request(for: fixture)
        let answer = LiveAnswer(startedAt: request.receivedAt)
        _ = client.start(request, sink: answer)
        let live = answer.wait()
        let scope = secrets.scope(for: request)
        if let failure = live.failure {
            return DriftResult(fixture: fixture.name, file: fixture.origin, outcome: .failed(scope.scrub(failure)))
        }
        let recorded = AnswerShape(status: fixture.response.status, headers: fixture.response.headers, body: fixture.response.body)
        let now = AnswerShape(status: live.status, headers: live.headers, body: live.body)
        let changes = recorded.differences(to: now).map(scope.scrub)
        guard !changes.isEmpty else { return DriftResult(fixture: fixture.name, file: fixture.origin, outcome: .unchanged) }
        var updated = false
        var note: String?
        if update {
            do {
                try rewrite(fixture, request: request, live: live)
                updated = true
            } catch {
                note = scope.scrub("not updated: \(error)")
            }
        }
        return DriftResult(fixture: fixture.name, file: fixture.origin, outcome: .drifted(changes), updated: updated, note: note)
    }

    /// Writes the live answer over the fixture's file (its name kept), redacted, atomically.
    func rewrite(_ fixture: Fixture, request: HTTPRequest, live: LiveAnswer.Collected) throws {
        guard FileManager.default.fileExists(atPath: fixture.origin) else {
            throw RecordingError("\(fixture.origin) is not a file (built-in fixtures are not rewritten)")
        }
        let writer = FixtureWriter(directory: (fixture.origin as NSString).deletingLastPathComponent, secrets: secrets,
                                   upstreamHost: upstream.hostDescription)
        let body: RecordedExchange.Body = live.isStream ? .events(live.events) : .whole(live.whole)
        let exchange = RecordedExchange(request: request, status: live.status, headers: live.headers, body: body)
        let text = writer.document(for: exchange, name: fixture.name).1
        if case .failure(let problem) = FixtureLoader.parse(Array(text.utf8), file: fixture.origin, defaultName: fixture.name) {
            throw RecordingError("the updated fixture would not load (\(problem.location): \(problem.message))")
        }
        try AtomicFile.write(Array(text.utf8), to: fixture.origin)
    }
}
