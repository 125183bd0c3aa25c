import Foundation
import Testing
@testable import MockScope

@Suite struct FixtureLoaderTests {
    func problem(_ text: String) -> FixtureProblem? {
        if case .failure(let problem) = FixtureLoader.parse(Array(text.utf8), file: "t.json", defaultName: "t") { return problem }
        return nil
    }

    @Test func syntaxErrorsGiveLineAndColumn() {
        let p = problem("{\n  \"mockscope\": 1,\n  \"request\": {,}\n}")
        #expect(p?.file == "t.json")
        #expect(p?.location.hasPrefix("line 3") == true)
    }

    @Test func structuralErrorsGiveTheJSONLocationAndWhatToDo() {
        #expect(problem(#"{"request":{},"response":{}}"#)?.location == "mockscope")
        #expect(problem(#"{"mockscope":1,"request":{"path":"/x"},"response":{"status":200,"body":""}}"#)?.location == "request.method")
        #expect(problem(#"{"mockscope":1,"request":{"method":"post","path":"/x"},"response":{"status":200,"body":""}}"#)?.message.contains("\"POST\"") == true)
        #expect(problem(#"{"mockscope":1,"request":{"method":"POST","path":"/x"},"response":{"status":200,"body":"","events":[]}}"#)?.message
            == "has body and events: keep exactly one of body, json, events")
        let decreasing = #"{"mockscope":1,"request":{"method":"POST","path":"/x"},"response":{"status":200,"events":[{"at":10,"data":"a"},{"at":5,"data":"b"}]}}"#
        #expect(problem(decreasing)?.location == "response.events[1].at")
        #expect(problem(#"{"mockscope":1,"request":{"method":"POST","path":"/x"},"response":{"status":999,"body":""}}"#)?.location == "response.status")
        #expect(problem(#"{"mockscope":1,"extra":1,"request":{"method":"POST","path":"/x"},"response":{"status":200,"body":""}}"#)?.location == "extra")
    }

    @Test func aValidFixtureLoadsWithItsBytesKept() throws {
        let text = #"{"mockscope":1,"request":{"method":"POST","path":"/x","body":{"a":1}},"response":{"status":200,"headers":{"content-type":"text/event-stream"},"events":[{"at":0,"data":"data: {\"x\":1}\n\n"},{"at":20.5,"data":"data: [DONE]\n\n"}]}}"#
        guard case .success(let fixture) = FixtureLoader.parse(Array(text.utf8), file: "f.json", defaultName: "dir/f") else {
            Issue.record("should load")
            return
        }
        #expect(fixture.name == "dir/f")
        guard case .events(let events) = fixture.response.body else { Issue.record("stream expected"); return }
        #expect(events.map(\.atMs) == [0, 20.5])
        #expect(String(decoding: events[0].bytes, as: UTF8.self) == "data: {\"x\":1}\n\n")
    }

    @Test func folderLoadReportsEveryProblemAndSkipsTemporaryFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ms-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = #"{"mockscope":1,"request":{"method":"GET","path":"/x"},"response":{"status":200,"body":"ok"}}"#
        try good.write(toFile: dir + "/sub/good.json", atomically: true, encoding: .utf8)
        try "{".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        try "{".write(toFile: dir + "/.hidden.json", atomically: true, encoding: .utf8)
        try "{".write(toFile: dir + "/half.json.tmp", atomically: true, encoding: .utf8)
        let (fixtures, problems) = FixtureLoader.loadDirectory(dir)
        #expect(fixtures.map(\.name) == ["sub/good"])
        #expect(problems.count == 1)
        #expect(problems.first?.file.hasSuffix("bad.json") == true)
        #expect(throws: FixtureLoadError.self) { try FixtureLoader.load(directories: [dir]) }
    }

    @Test func defaultFixturesLoadWithoutProblems() throws {
        let fixtures = try FixtureLoader.load(directories: [repositoryRoot + "/fixtures"])
        #expect(fixtures.count >= 15)
        #expect(fixtures.contains { $0.name == "compat/qwq-plus/decimal-compare.stream" })
    }

    @Test func embeddedFixturesAreTheRepositorysFixtures() throws {
        let files = try FixtureLoader.load(directories: [repositoryRoot + "/fixtures"])
        let embedded = try FixtureLoader.loadEmbedded()
        #expect(Set(embedded.map(\.name)) == Set(files.map(\.name)),
                "fixtures/ changed: run scripts/embed-default-fixtures.py")
        for (path, base64) in EmbeddedFixtures.files {
            let onDisk = FileManager.default.contents(atPath: repositoryRoot + "/fixtures/" + path)
            #expect(onDisk == Data(base64Encoded: base64), "\(path) differs from its embedded copy: run scripts/embed-default-fixtures.py")
        }
    }
}
