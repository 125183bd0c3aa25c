import Foundation
@testable import MockScope
import MockScopeHTTPTypes
@testable import MockScopeRecorder
import MockScopeTesting
import Testing

/// Answer sequences (docs/fixture-format.md): loading, serving in order over real sockets (a chat
/// route, where the decision memo would otherwise remember the first answer), and the recorder.
@Suite struct AnswerSequenceTests {
    static let chatBody = #"{"model":"qwen-plus","messages":[{"role":"user","content":"poll"}]}"#

    static func answer(_ text: String) -> RecordedResponse {
        RecordedResponse(status: 200, headers: HeaderFields([("content-type", "application/json")]), body: .whole(Array(text.utf8)))
    }

    static func sequence(_ afterLast: AfterLast) -> Fixture {
        Fixture(name: "seq-\(afterLast.rawValue)", origin: "test",
                request: RequestPattern(method: "POST", path: CompatibleChatModule.path, body: try! JSONValue.parse(Array(chatBody.utf8))),
                responses: [answer(#"{"n":1}"#), answer(#"{"n":2}"#), answer(#"{"n":3}"#)], afterLast: afterLast)
    }

    func ask(_ server: TestServer) throws -> RawHTTP.Response {
        try RawHTTP.exchange(port: server.port, "POST", CompatibleChatModule.path,
                             headers: [("Authorization", "Bearer k"), ("Content-Type", "application/json")], body: Self.chatBody)
    }

    /// Served from a fixtures folder, so that `POST /__admin/reset` (which reloads it) keeps the fixture.
    @Test func repeatedRequestsGetTheAnswersInOrderThenTheLastAgain() throws {
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let answers = (1...3).map { #"{"status":200,"headers":{"content-type":"application/json"},"body":"{\"n\":\#($0)}"}"# }
        let document = #"{"mockscope":1,"name":"seq-repeat","request":{"method":"POST","path":"\#(CompatibleChatModule.path)","body":\#(Self.chatBody)},"#
            + #""responses":[\#(answers.joined(separator: ","))]}"#
        try Data(document.utf8).write(to: URL(fileURLWithPath: folder + "/seq.json"))
        let server = try TestServer(fixtures: [folder])
        defer { server.stop() }
        let bodies = try (0..<5).map { _ in try ask(server).text }
        #expect(bodies == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#, #"{"n":3}"#, #"{"n":3}"#])
        #expect(server.requests(path: CompatibleChatModule.path).map(\.sequenceIndex) == [0, 1, 2, 2, 2])
        #expect(try RawHTTP.exchange(port: server.port, "POST", "/__admin/reset").status == 200)
        #expect(try ask(server).text == #"{"n":1}"#)
    }

    @Test func cycleStartsAgainAndErrorRefuses() throws {
        let server = try TestServer(extraFixtures: [Self.sequence(.cycle)])
        defer { server.stop() }
        #expect(try (0..<4).map { _ in try ask(server).text }.last == #"{"n":1}"#)

        let strict = try TestServer(extraFixtures: [Self.sequence(.error)])
        defer { strict.stop() }
        for _ in 0..<3 { #expect(try ask(strict).status == 200) }
        let refused = try ask(strict)
        #expect(refused.status == 400)
        #expect(refused.text.contains("seq-error has served all its 3 answers"))
        #expect(strict.requests(path: CompatibleChatModule.path).last?.error == "no_match")
    }

    @Test func loaderReadsSequencesAndSaysWhatIsWrong() throws {
        func parse(_ text: String) -> Result<Fixture, FixtureProblem> {
            FixtureLoader.parse(Array(text.utf8), file: "t.json", defaultName: "t")
        }
        let head = #"{"mockscope":1,"request":{"method":"GET","path":"/api/v1/tasks/x"},"#
        let loaded = try parse(head + #""responses":[{"status":200,"body":"a"},{"status":202,"body":"b"}],"after_last":"cycle"}"#).get()
        #expect(loaded.responses.map(\.status) == [200, 202] && loaded.afterLast == .cycle && loaded.isSequence)
        #expect(try parse(head + #""responses":[{"status":200,"body":"a"}]}"#).get().afterLast == .repeat)
        let problems: [(String, String)] = [
            (#""responses":[]}"#, "responses"),
            (#""responses":[{"status":200}]}"#, "responses[0]"),
            (#""responses":[{"status":200,"body":"a"}],"after_last":"again"}"#, "after_last"),
            (#""response":{"status":200,"body":"a"},"after_last":"repeat"}"#, "after_last"),
            (#""response":{"status":200,"body":"a"},"responses":[{"status":200,"body":"a"}]}"#, "responses"),
        ]
        for (tail, location) in problems {
            guard case .failure(let problem) = parse(head + tail) else {
                Issue.record("\(tail) loaded")
                continue
            }
            #expect(problem.location == location, "\(tail): \(problem)")
        }
    }

    /// The same request twice in one session is one fixture with two answers (redacted, timing
    /// kept); a new session's writer replaces it.
    @Test func recorderKeepsARepeatedRequestAsASequence() throws {
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func poll(_ status: String) -> RecordedExchange {
            let request = HTTPRequest(method: "GET", path: "/api/v1/tasks/t1", headers: HeaderFields([("Authorization", "Bearer sk-secret-0123456789abcdef")]))
            return RecordedExchange(request: request, status: 200, headers: HeaderFields([("content-type", "application/json")]),
                                    body: .whole(Array(#"{"output":{"task_status":"\#(status)"},"key":"sk-secret-0123456789abcdef"}"#.utf8)))
        }
        let writer = FixtureWriter(directory: folder, upstreamHost: "upstream.test")
        _ = try writer.write(poll("PENDING"))
        _ = try writer.write(poll("RUNNING"))
        let third = try writer.write(poll("SUCCEEDED"))
        #expect(third.fixture.responses.count == 3)
        #expect(!third.text.contains("sk-secret-0123456789abcdef"))
        let (fixtures, problems) = FixtureLoader.loadDirectory(folder)
        #expect(problems.isEmpty && fixtures.count == 1)
        let statuses = fixtures[0].responses.map { answer -> String in
            guard case .whole(let bytes) = answer.body else { return "" }
            return (try? JSONValue.parse(bytes))?.value(at: "output.task_status")?.stringValue ?? ""
        }
        #expect(statuses == ["PENDING", "RUNNING", "SUCCEEDED"])

        let later = FixtureWriter(directory: folder, upstreamHost: "upstream.test")
        #expect(try later.write(poll("FAILED")).fixture.responses.count == 1)
    }
}
