import Foundation
import Logging
@testable import MockScope
import MockScopeHTTPTypes
import MockScopeRuntime
import Testing

// Regression tests for the second security round (RELIABILITY.md, "Round two"): values the
// loaders accepted unbounded, an empty admin token, and tables a client could grow without end.
// A finding that trapped is tested in an exit test, so one trap does not end the whole run.

@Suite("Round two (RELIABILITY.md)")
struct RoundTwoTests {
    static let chatPath = "/compatible-mode/v1/chat/completions"

    static func handler(journalBytes: Int = Journal.defaultByteLimit, rateLimitWindows: Int = RateLimiterRegistry.defaultMaxWindows,
                        clock: MockClock = MockClock(mode: .virtual),
                        settings: MockSettings = MockSettings(speed: 0, unmatched: .synthesize)) throws -> ExchangeHandler {
        ExchangeHandler(store: FixtureStore(try FixtureLoader.loadEmbedded()), settings: settings, clock: clock,
                        journalBytes: journalBytes, rateLimitWindows: rateLimitWindows,
                        logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Handles a request and completes it as the HTTP layer would (journal, log line).
    @discardableResult
    static func exchange(_ server: ExchangeHandler, _ request: HTTPRequest) -> HTTPResponse {
        ReliabilityRegressionTests.exchange(server, request)
    }

    static func chat(model: String, headers: [(String, String)] = []) -> HTTPRequest {
        let body = #"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}"#
        let fields = [("Authorization", "Bearer sk-round-two"), ("Content-Type", "application/json")] + headers
        return HTTPRequest(method: "POST", path: chatPath, headers: HeaderFields(fields.map { (name: $0.0, value: $0.1) }),
                           body: Array(body.utf8))
    }

    func scenarioProblem(_ yaml: String) -> ScenarioProblem? {
        if case .failure(let problem) = ScenarioLoader.parse(yaml: yaml, file: "s.yaml") { return problem }
        return nil
    }

    func fixtureProblem(_ text: String) -> FixtureProblem? {
        if case .failure(let problem) = FixtureLoader.parse(Array(text.utf8), file: "f.json", defaultName: "f") { return problem }
        return nil
    }

    // MARK: 2. integers the loaders accept

    /// `times: 9223372036854775807` loaded, and the next requests trapped on `start + times`.
    @Test func hugeStepCountsDoNotTrapTheScenarioEngine() async {
        await #expect(processExitsWith: .success) {
            let fault = try! FaultRegistry.parse("http_error status=429")
            let scenario = Scenario(name: "huge", steps: [ScenarioStep(faults: fault, times: 1), ScenarioStep(faults: [], times: Int.max),
                                                          ScenarioStep(faults: fault, times: Int.max), ScenarioStep(faults: [])])
            let engine = ScenarioEngine()
            engine.add(scenario, active: true, nowMs: 0)
            for _ in 0..<4 { _ = engine.faults(for: ScenarioRequest(path: "/x"), nowMs: 0) }
            precondition(scenario.step(forRequest: Int.max) != nil)
        }
        // The same over the admin API: refused now, and the server answers afterwards.
        await #expect(processExitsWith: .success) {
            let server = try! RoundTwoTests.handler()
            let text = #"{"name":"huge","steps":[{"times":1,"faults":[]},{"times":9223372036854775807,"faults":[]},{"faults":[]}]}"#
            let created = server.handle(HTTPRequest(method: "POST", path: "/__admin/scenarios", body: Array(text.utf8)))
            precondition(created.status == 400, "status \(created.status)")
            for _ in 0..<3 { RoundTwoTests.exchange(server, RoundTwoTests.chat(model: "qwen-plus")) }
        }
    }

    @Test func theScenarioLoaderBoundsEveryNumber() throws {
        let cases: [(field: String, value: String, says: String)] = [
            ("times", "9223372036854775807", "from 1 to 1000000000"),
            ("times", "-1", "from 1 to 1000000000"),
            ("times", "2.5", "from 1 to 1000000000"),
            ("every", "1e30", "from 1 to 1000000000"),
            ("every", "0", "from 1 to 1000000000"),
            ("chance", "1e308", "from 0 to 1"),
            ("chance", "nan", "from 0 to 1"),
            ("from_ms", "inf", "from 0 to 315360000000"),
            ("from_ms", "-5", "from 0 to 315360000000"),
            ("until_ms", "1e400", "from 0 to 315360000000"),
        ]
        for item in cases {
            let yaml = "name: n\nsteps:\n  - faults: []\n    \(item.field): \(item.value)\n"
            let problem = try #require(scenarioProblem(yaml), "\(item.field): \(item.value) loaded")
            #expect(problem.message.contains(item.field) && problem.message.contains(item.says), "\(problem)")
            #expect(problem.location == "line 4" && problem.file == "s.yaml", "\(problem)")
        }
        let seed = try #require(scenarioProblem("name: n\nseed: 18446744073709551616\nsteps: [{faults: []}]\n"))
        #expect(seed.message.contains("18446744073709551615"), "\(seed)")
        // Fault parameters in a scenario: counts are bounded too (rate_limit tpm once overflowed a sum).
        let tpm = try #require(scenarioProblem("name: n\nsteps: [{faults: [\"rate_limit tpm=9223372036854775807\"]}]\n"))
        #expect(tpm.message.contains("1000000000000"), "\(tpm)")
        // The JSON form (admin API) reports the JSON location.
        let json = try JSONValue.parse(Array(#"{"name":"n","steps":[{"faults":[],"times":9223372036854775807}]}"#.utf8))
        guard case .failure(let problem) = ScenarioLoader.parse(json: json) else { Issue.record("loaded"); return }
        #expect(problem.location == "$.steps[0].times", "\(problem)")
        // The limits themselves load.
        #expect(scenarioProblem("name: n\nsteps:\n  - {faults: [], times: 1000000000, every: 1000000000, from_ms: 0, until_ms: 315360000000}\n  - {faults: []}\n") == nil)
    }

    @Test func theRateWindowSumIsOverflowSafe() {
        var window = RateWindow()
        #expect(window.admit(tokens: Int.max, rpm: nil, tpm: Int.max, nowMs: 0) == .admitted)
        #expect(window.admit(tokens: Int.max, rpm: nil, tpm: Int.max, nowMs: 1) == .tooManyTokens)
    }

    // MARK: 13 (a). statuses without a body

    @Test func fixturesWithInformationalOr304StatusesAreRefused() throws {
        for status in ["100", "101", "103", "199", "304", "600", "200.5", "1e300"] {
            let text = #"{"mockscope":1,"request":{"method":"GET","path":"/s"},"response":{"status":\#(status),"body":""}}"#
            let problem = try #require(fixtureProblem(text), "status \(status) loaded")
            #expect(problem.location == "response.status" && problem.file == "f.json", "\(problem)")
            #expect(problem.message.contains("200 to 599 other than 304"), "\(problem)")
        }
        for status in ["200", "204", "301", "404", "599"] {
            let text = #"{"mockscope":1,"request":{"method":"GET","path":"/s"},"response":{"status":\#(status),"body":""}}"#
            #expect(fixtureProblem(text) == nil, "status \(status)")
        }
        let late = #"{"mockscope":1,"request":{"method":"GET","path":"/s"},"response":{"status":200,"events":[{"at":1e300,"data":"x"}]}}"#
        #expect(fixtureProblem(late)?.location == "response.events[0].at")
    }

    // MARK: 13 (b). the virtual clock

    @Test func theVirtualClockStaysFiniteAndRateLimitsKeepApplying() throws {
        let server = try Self.handler()
        for body in [#"{"advance_ms":1e308}"#, #"{"advance_ms":315360000001}"#, #"{"advance_ms":-1}"#] {
            let response = server.handle(HTTPRequest(method: "POST", path: "/__admin/clock", body: Array(body.utf8)))
            #expect(response.status == 400, "\(body)")
        }
        #expect(server.clock.nowMs() == 0)
        // Even driven in code, past every bound, it stays finite.
        for _ in 0..<10 { server.clock.advance(ms: .greatestFiniteMagnitude) }
        server.clock.advance(ms: .infinity)
        #expect(server.clock.nowMs().isFinite && server.clock.nowMs() <= MockClock.maxVirtualMs)
        // Rate limits still count at a far-away time.
        let limited = Self.chat(model: "qwen-plus", headers: [("X-MockScope-Fault", "rate_limit rpm=1")])
        #expect(Self.exchange(server, limited).status == 200)
        #expect(Self.exchange(server, limited).status == 429)
    }

    // MARK: 13 (c). YAML alias bombs

    @Test func aYAMLAliasBombIsRefusedQuickly() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "name: bomb\nsteps: [{faults: []}]\n"
        let start = ContinuousClock.now
        let problem = try #require(scenarioProblem(yaml))
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(problem.message.contains("aliases") && problem.message.contains("\(ScenarioLimits.maxNodes)"), "\(problem)")
        let large = "name: big\ndescription: \"" + String(repeating: "x", count: ScenarioLimits.maxFileBytes) + "\"\nsteps: [{faults: []}]\n"
        #expect(scenarioProblem(large)?.message.contains("at most \(ScenarioLimits.maxFileBytes) bytes") == true)
    }

    // MARK: 3. the admin token

    @Test func anEmptyOrBlankAdminTokenIsRefusedAtStart() {
        for token in ["", " ", "\t\n"] {
            var options = ServerOptions()
            options.readsWorkingDirectory = false
            options.host = "0.0.0.0"
            options.settings.adminToken = token
            #expect(throws: StartError.self, "token \(token.debugDescription)") {
                _ = try MockScopeService(options: options, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
            }
        }
    }

    @Test func anEmptyAdminTokenNeverMatchesAndTokensCompareWhole() throws {
        #expect(!AdminAPI.carries("", HeaderFields([(name: "X-MockScope-Admin-Token", value: "")])))
        #expect(!AdminAPI.carries("", HeaderFields([(name: "Authorization", value: "Bearer ")])))
        #expect(!AdminAPI.carries("", HeaderFields()))
        let token = "adm-Tok3n"
        #expect(AdminAPI.carries(token, HeaderFields([(name: "X-MockScope-Admin-Token", value: token)])))
        #expect(AdminAPI.carries(token, HeaderFields([(name: "Authorization", value: "Bearer \(token)")])))
        for wrong in ["", "adm", "adm-Tok3", "adm-Tok3n!", "adm-Tok3N", "adm-Tok3nadm-Tok3n", "x"] {
            #expect(!AdminAPI.sameToken(wrong, token), "\(wrong)")
        }
        // A server whose settings hold an empty token (set in code) lets no empty header through.
        let server = try Self.handler(settings: { var s = MockSettings(speed: 0); s.adminToken = ""; return s }())
        let response = server.handle(HTTPRequest(method: "GET", path: "/__admin/status",
                                                 headers: HeaderFields([(name: "X-MockScope-Admin-Token", value: "")])))
        #expect(response.status == 401)
    }

    // MARK: 4. the journal in bytes

    @Test func theJournalStaysUnderItsByteLimitWithHugeModelsAndHeaders() throws {
        let limit = Journal.minimumByteLimit
        let server = try Self.handler(journalBytes: limit)
        let model = String(repeating: "m", count: 300_000)
        let header = String(repeating: "h", count: 20_000)
        for index in 0..<200 {
            let headers = (0..<6).map { ("X-Big-\($0)", header) } + [("X-Index", "\(index)")]
            Self.exchange(server, Self.chat(model: model + "\(index)", headers: headers))
            #expect(server.journal.accountedBytes <= limit)
        }
        let entries = server.journal.entries()
        #expect(!entries.isEmpty && entries.count < 200)
        #expect(entries.last?.header("X-Index") == nil || entries.last?.id == 200)
        for entry in entries {
            #expect((entry.model?.utf8.count ?? 0) <= Journal.stringLimit)
            #expect(entry.headers.allSatisfy { $0.value.utf8.count <= Journal.stringLimit })
            #expect(entry.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } <= Journal.fieldsLimit)
            #expect(entry.path.utf8.count <= Journal.stringLimit)
            #expect((entry.nearMiss?.utf8.count ?? 0) <= Journal.nearMissLimit)
        }
        let kept = entries.reduce(0) { total, entry in
            total + (entry.model?.utf8.count ?? 0) + (entry.nearMiss?.utf8.count ?? 0) + entry.body.utf8.count
                + entry.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        }
        #expect(kept <= limit)
        #expect(entries.last?.id == 200)
    }

    @Test func aCutNeverLeavesPartOfAKey() {
        let key = "sk-" + String(repeating: "k", count: 5000)
        let record = JournalRecord(request: HTTPRequest(method: "POST", path: "/p", headers: HeaderFields([(name: "Authorization", value: "Bearer \(key)")]),
                                                        body: Array(#"{"echo":"\#(key)"}"#.utf8)),
                                   note: ExchangeNote(id: RequestID.next()), status: 200)
        let journal = Journal()
        journal.record(record)
        let entry = journal.entries()[0]
        #expect(!entry.body.contains("kkkkkkkk") && !entry.headers.contains { $0.value.contains("kkkkkkkk") }, "\(entry.body.prefix(80))")
    }

    // MARK: 5. rate-limit windows

    @Test func idleRateWindowsExpireOnTheVirtualClockAndTheTableIsBounded() throws {
        let server = try Self.handler(rateLimitWindows: 50)
        for index in 0..<200 {
            Self.exchange(server, Self.chat(model: "qwen-plus-\(index)", headers: [("X-MockScope-Fault", "rate_limit rpm=5")]))
            #expect(server.rateLimits.count <= 50)
        }
        server.clock.advance(ms: RateWindow.lengthMs + 1)
        Self.exchange(server, Self.chat(model: "qwen-plus-new", headers: [("X-MockScope-Fault", "rate_limit rpm=5")]))
        #expect(server.rateLimits.count == 1)
        // A window still counts while it is live.
        let limited = Self.chat(model: "qwen-plus-new", headers: [("X-MockScope-Fault", "rate_limit rpm=1")])
        #expect(Self.exchange(server, limited).status == 200)
        #expect(Self.exchange(server, limited).status == 429)
    }

    @Test func rateWindowsAreKeyedByDigestsNotTheStrings() {
        let a = RateWindowKey(rpm: 1, tpm: nil, apiKey: "k", model: String(repeating: "m", count: 1_000_000))
        #expect(MemoryLayout<RateWindowKey>.size <= 64)
        #expect(a == RateWindowKey(rpm: 1, tpm: nil, apiKey: "k", model: String(repeating: "m", count: 1_000_000)))
        #expect(a != RateWindowKey(rpm: 1, tpm: nil, apiKey: "k", model: String(repeating: "m", count: 999_999)))
        #expect(RateWindowKey(rpm: 1, tpm: nil, apiKey: "", model: nil) != RateWindowKey(rpm: 1, tpm: nil, apiKey: nil, model: nil))
    }
}
