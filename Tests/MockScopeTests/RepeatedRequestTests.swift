import Foundation
import Logging
import MockScope
import MockScopeMicroHTTPD
import MockScopeRuntime
import MockScopeTesting
import Testing

/// A request seen before is answered from the decision memo (`DecisionMemo`): a whole answer as one response built
/// once and shared, a stream as timed chunks made once. These check, over real sockets, that such
/// answers are the fixture's exactly, that faults and scenarios still reach them, and that the
/// journal still tells each exchange apart.
@Suite(.serialized) struct RepeatedRequestTests {
    static let chatPath = "/compatible-mode/v1/chat/completions"
    static let whoAreYou = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#
    static let story = #"{"model":"qwen-turbo","messages":[{"role":"user","content":"讲个故事"}],"stream":true}"#

    func fixture(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/fixtures/" + name + ".json"))
        return try JSONValue.parse(Array(data))
    }

    @Test func aRepeatedWholeAnswerIsTheFixtureEveryTime() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let expected = try fixture("compat/qwen-plus/who-are-you")["response"]?["body"]?.stringValue ?? ""
        for _ in 0..<4 {
            let response = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: Self.whoAreYou)
            #expect(response.status == 200)
            #expect(response.text == expected)
            #expect(response.header("content-length") == String(expected.utf8.count))
            #expect(response.header("x-request-id") == "7889bab6-9ae0-9d87-9fbf-fa151fa2db14")
        }
        let entries = try server.waitForRequests(4, path: Self.chatPath)
        #expect(entries.allSatisfy { $0.fixture == "compat/qwen-plus/who-are-you" && $0.status == 200 && $0.model == "qwen-plus" })
        #expect(entries.allSatisfy { $0.bytesSent == expected.utf8.count && $0.apiKey?.hasPrefix("key-") == true })
        // Each exchange keeps its own request id, written out as a version-4 UUID.
        let ids = entries.map(\.requestID)
        #expect(Set(ids).count == 4)
        #expect(ids.allSatisfy { $0.count == 36 && Array($0)[14] == "4" })
    }

    @Test func faultsAndScenariosStillReachARepeatedRequest() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        for _ in 0..<2 {
            #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: Self.whoAreYou).status == 200)
        }
        // The request's own fault header.
        let faulted = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath,
                                           headers: authJSON + [("X-MockScope-Fault", "http_error status=429")], body: Self.whoAreYou)
        #expect(faulted.status == 429)
        #expect(faulted.text.contains("\"code\""))
        // A scenario activated after the answer was cached.
        try server.addScenario(yaml: "name: all-503\nsteps:\n  - faults: [\"http_error status=503\"]\n")
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: Self.whoAreYou).status == 503)
        #expect(server.handler.scenarios.remove("all-503"))
        // A global fault (as --rate-limit sets), then none again.
        server.handler.updateSettings { $0.globalFaults = (try? FaultRegistry.parse("http_error status=500")) ?? [] }
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: Self.whoAreYou).status == 500)
        server.handler.updateSettings { $0.globalFaults = [] }
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: Self.whoAreYou).status == 200)
        // A key the server no longer accepts is refused even for a cached request.
        server.handler.updateSettings { $0.apiKeys = ["sk-other"] }
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: Self.whoAreYou).status == 401)
        let entries = try server.waitForRequests(7, path: Self.chatPath)
        #expect(entries.map(\.status) == [200, 200, 429, 503, 500, 200, 401])
        #expect(entries[2].faults == ["http_error status=429"])
        #expect(entries[3].scenarios == ["all-503"])
    }

    /// A server whose HTTP layer times its waits on `clock` (the domain as usual): a stream's
    /// events are sent when the test advances the clock to their offsets.
    func server(on clock: ManualSchedulerClock, speed: Double) throws -> MockScopeService {
        var options = ServerOptions()
        options.fixtureDirectories = [repositoryRoot + "/fixtures"]
        options.settings = MockSettings(speed: speed)
        options.http.clock = clock
        let server = try MockScopeService(options: options, logger: Logger(label: "mockscope.test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try server.start()
        return server
    }

    @Test func aRepeatedStreamKeepsItsEventsAndHonoursASpeedHeader() throws {
        let clock = ManualSchedulerClock()
        let server = try server(on: clock, speed: 1)
        defer { server.stop() }
        let events = try fixture("compat/qwen-turbo/tell-a-story.stream")["response"]?["events"]?.arrayValue ?? []
        let expected = events.compactMap { $0["data"]?.stringValue }.joined()
        let lastOffset = events.compactMap { $0["at"]?.numberValue }.max() ?? 0
        #expect(lastOffset > 300, "the story fixture is recorded over more than 300 ms")
        // The recorded offsets (ns, as the HTTP layer gets them), events at one offset together.
        var groups: [(at: Double, nanos: UInt64, text: String)] = []
        for event in events {
            let at = event["at"]?.numberValue ?? 0, text = event["data"]?.stringValue ?? ""
            let nanos = UInt64(at * 1_000_000)
            if let last = groups.last, last.nanos == nanos { groups[groups.count - 1].text += text } else { groups.append((at, nanos, text)) }
        }
        #expect(groups.map(\.nanos) == groups.map(\.nanos).sorted(), "the fixture's offsets only grow")
        // Recorded timing, twice (the second from the cache): the same bytes, each event sent when
        // the clock reaches its recorded offset and not sooner.
        for round in 1...2 {
            let client = try RawHTTP(port: server.port)
            try client.send("POST", Self.chatPath, headers: authJSON, body: Self.story)
            let base = clock.now()  // the request's receipt: the clock moves only when told
            #expect(try client.readHead().status == 200)
            var received = ""
            for group in groups {
                let due = base + group.nanos
                if due > clock.now() {
                    try eventually("round \(round): the stream waiting for the event recorded at \(group.at) ms") { clock.nextDeadline == due }
                    #expect(try client.bytesArrived() == 0, "round \(round): bytes sent before \(group.at) ms")
                    clock.advance(to: due)
                }
                let text = try client.readBody(group.text.utf8.count)
                #expect(text == group.text, "round \(round): the event(s) at \(group.at) ms")
                received += text
            }
            #expect(try client.readChunk() == nil)
            #expect(received == expected)
            #expect(clock.now() - base == UInt64(lastOffset * 1_000_000), "round \(round): the stream took its recorded length")
        }
        // The same request at speed 0 skips the recorded gaps: all of it comes with the clock standing still.
        let before = clock.now()
        let fast = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON + [("X-MockScope-Speed", "0")], body: Self.story)
        #expect(fast.text == expected)
        #expect(clock.now() == before)
        #expect(clock.nextDeadline == nil, "nothing waits for the clock")
    }
}
