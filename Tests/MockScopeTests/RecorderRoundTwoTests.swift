import Foundation
import Logging
import MockScope
import MockScopeHTTPTypes
@testable import MockScopeRecorder
import MockScopeRuntime
import MockScopeTesting
import Synchronization
import Testing

/// Round two of the security review, the recorder's findings (RELIABILITY.md, "Round two": 6c, 7,
/// 12, 13d). Each test failed before its fix.
@Suite(.serialized) struct RecorderRoundTwoTests {
    static let chatPath = "/compatible-mode/v1/chat/completions"

    /// A folder holding one fixture file (for an upstream TestServer).
    static func fixtureFolder(_ name: String, _ json: String) throws -> String {
        let folder = try RecorderWriterTests.temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/compat/x", withIntermediateDirectories: true)
        try json.write(toFile: folder + "/compat/x/\(name).json", atomically: true, encoding: .utf8)
        return folder
    }

    static func recorder(upstream: String, folder: String, log: CollectedLog, keepPartial: Bool = false,
                         clientQueueBytes: Int = RecorderOptions.defaultClientQueueBytes) throws -> MockScopeService {
        var options = ServerOptions()
        options.settings = MockSettings(speed: 1)
        options.settings.record = .all
        options.recording = RecordingSetup(upstream: try Upstream(url: upstream), directory: folder, keepPartial: keepPartial,
                                           clientQueueBytes: clientQueueBytes)
        let server = try MockScopeService(options: options, logger: log.logger)
        try server.start()
        return server
    }

    static func event(_ at: Int, _ data: String) -> String {
        var writer = JSONWriter()
        writer.string(data)
        return #"{"at": \#(at), "data": \#(writer.text)}"#
    }

    // MARK: 6c

    /// 6c: the upstream streams the request's key in two parts (a model echoing it token by
    /// token): no event holds it whole, each was scrubbed alone, both halves reached the disk.
    @Test func aKeySplitOverTwoEventsNeverReachesTheDisk() throws {
        let key = recorderFakeKey
        let cut = key.index(key.startIndex, offsetBy: 10)
        let (head, tail) = (String(key[..<cut]), String(key[cut...]))
        func delta(_ text: String) -> String { #"data: {"choices":[{"index":0,"delta":{"content":"\#(text)"}}]}"# + "\n\n" }
        let upstreamFolder = try Self.fixtureFolder("split-key", """
            {"mockscope": 1, "name": "split-key",
             "request": {"method": "POST", "path": "\(Self.chatPath)", "body": {"model": "qwen-split"}, "match": "subset"},
             "response": {"status": 200, "headers": {"content-type": "text/event-stream"}, "events": [
               \(Self.event(0, delta("your key is \(head)"))),
               \(Self.event(80, delta("\(tail), keep it safe"))),
               \(Self.event(160, "data: [DONE]\n\n"))]}}
            """)
        defer { try? FileManager.default.removeItem(atPath: upstreamFolder) }
        let upstream = try TestServer(fixtures: [upstreamFolder], settings: MockSettings(speed: 1))
        defer { upstream.stop() }
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = CollectedLog()
        let recorder = try Self.recorder(upstream: upstream.baseURL, folder: folder, log: log)
        defer { recorder.stop() }

        let body = #"{"model":"qwen-split","messages":[{"role":"user","content":"what is my key"}],"stream":true}"#
        let answer = try RawHTTP.exchange(port: recorder.port, "POST", Self.chatPath,
                                          headers: [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")], body: body)
        #expect(answer.status == 200)
        #expect(answer.text.contains(head) && answer.text.contains(tail), "the client gets the upstream's bytes as they are")

        let files = RecorderEndToEndTests.jsonFiles(folder)
        let file = try #require(files.first, "\(log.text)")
        let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
        #expect(!text.contains(head), "the first half of the key is on disk:\n\(text)")
        #expect(!text.contains(tail), "the second half of the key is on disk:\n\(text)")
        #expect(!text.contains(String(key.prefix(6))) && !text.contains(String(key.suffix(6))))
        // It still loads; the events keep their framing, count and timing.
        guard case .success(let fixture) = FixtureLoader.parse(Array(text.utf8), file: file, defaultName: "x") else {
            Issue.record("the recorded fixture does not load:\n\(text)")
            return
        }
        let root = try JSONValue.parse(text)
        let events = try #require(root["response"]?["events"]?.arrayValue)
        #expect(events.count == 3)
        let data = events.map { $0["data"]?.stringValue ?? "" }
        #expect(data.allSatisfy { $0.hasPrefix("data: ") && $0.hasSuffix("\n\n") })
        #expect(data[0].contains("your key is \(SecretPolicy.placeholder)"), "\(data)")
        #expect(data[1].contains(#""content":", keep it safe""#), "\(data)")
        #expect(data[2] == "data: [DONE]\n\n")
        let at = events.map { $0["at"]?.numberValue ?? -1 }
        // Offsets count from the recorder's receipt of the request, before the upstream's own clock
        // starts: each event arrives no earlier than its scheduled offset (80, 160), however loaded
        // the machine (a gap between two late events can be shorter than scheduled).
        #expect(at[0] <= at[1] && at[1] <= at[2] && at[1] >= 80 && at[2] >= 160, "the timing is kept: \(at)")
        #expect(fixture.request.path == Self.chatPath)
    }

    /// 6c, the policy itself: a key in three pieces, a cumulative stream whose earlier events hold
    /// prefixes, a stream cut mid-key; the bytes around stay as they were.
    @Test func streamRedactionWorksOnTheReassembledText() {
        let key = "sk-0123456789abcdefXYZ"
        let scope = SecretScope(policy: .standard, secrets: [key])
        func delta(_ text: String) -> [UInt8] { Array((#"data: {"id":"c1","choices":[{"delta":{"content":"\#(text)"}}]}"# + "\n\n").utf8) }
        let three = scope.events([delta("key: sk-0123"), delta("456789abc"), delta("defXYZ!"), Array("data: [DONE]\n\n".utf8)])
        #expect(three.joined().contains("key: REDACTED") && three[2].contains(#""content":"!""#), "\(three)")
        #expect(!three.joined().contains("0123") && !three.joined().contains("XYZ"), "\(three)")
        #expect(three[3] == "data: [DONE]\n\n")
        let cumulative = scope.events([delta("it is sk-01234"), delta("it is \(key) ok")])
        #expect(cumulative == [String(decoding: delta("it is REDACTED"), as: UTF8.self), String(decoding: delta("it is REDACTED ok"), as: UTF8.self)])
        let plain = scope.events([Array("data: sk-0123\n\n".utf8), Array("data: 456789abcdefXYZ done\n\n".utf8)])
        #expect(plain == ["data: REDACTED\n\n", "data:  done\n\n"])
        let untouched = [delta("nothing secret here"), delta("sk- is a prefix")]
        #expect(scope.events(untouched) == untouched.map { String(decoding: $0, as: UTF8.self) })
    }

    // MARK: 7

    static func chat(_ content: String, answer: String = #"{"ok":true}"#) -> RecordedExchange {
        var writer = JSONWriter()
        writer.string(content)
        let body = #"{"model":"qwen-plus","messages":[{"role":"user","content":\#(writer.text)}]}"#
        let request = HTTPRequest(method: "POST", path: chatPath, headers: HeaderFields([("Content-Type", "application/json")]),
                                  body: Array(body.utf8))
        return RecordedExchange(request: request, status: 200, headers: HeaderFields([("content-type", "application/json")]),
                                body: .whole(Array(answer.utf8)))
    }

    /// 7: two different requests with one name (forced here: a constant hash; in the finding, 32
    /// bits of hash and the slug `request` for every CJK prompt): the second took the first's
    /// file, on disk and in memory. Now it takes `-2`; the same request again replaces its own.
    @Test func differentRequestsWithOneNameNeverOverwriteEachOther() throws {
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = FixtureWriter(directory: folder, upstreamHost: "upstream.test", nameHash: { _ in "0000000000000000" })
        let a = try writer.write(Self.chat("Hello, world", answer: #"{"a":1}"#))
        let b = try writer.write(Self.chat("hello world!", answer: #"{"b":1}"#))
        #expect(a.location.name == "compat/qwen-plus/hello-world-0000000000000000")
        #expect(b.location.name == "compat/qwen-plus/hello-world-0000000000000000-2")
        #expect(b.fixture.name == b.location.name)
        // Recording either again (in this session: the next answer of its sequence) writes its own
        // file, never the other's, and takes no new name.
        let a2 = try writer.write(Self.chat("Hello, world", answer: #"{"a":2}"#))
        let b2 = try writer.write(Self.chat("hello world!", answer: #"{"b":2}"#))
        #expect(a2.path == a.path && b2.path == b.path)
        // A third request, and a file there that does not parse: neither is overwritten.
        try Data("not json".utf8).write(to: URL(fileURLWithPath: folder + "/compat/qwen-plus/hello-world-0000000000000000-3.json"))
        let c = try writer.write(Self.chat("HELLO WORLD"))
        #expect(c.location.name.hasSuffix("-4"))
        #expect(try String(contentsOfFile: folder + "/compat/qwen-plus/hello-world-0000000000000000-3.json", encoding: .utf8) == "not json")
        // Partial recordings of different requests keep apart too.
        var partial = Self.chat("Hello, world")
        partial.partial = true
        var otherPartial = Self.chat("hello world!")
        otherPartial.partial = true
        #expect(try writer.write(partial).location.name == "compat/qwen-plus/hello-world-0000000000000000.partial")
        #expect(try writer.write(otherPartial).location.name == "compat/qwen-plus/hello-world-0000000000000000-2.partial")

        // Each request replays its own answer from the folder.
        let (fixtures, problems) = FixtureLoader.loadDirectory(folder)
        #expect(problems.count == 1, "only the file that is not JSON: \(problems)")
        let store = FixtureStore(fixtures)
        for (content, answer) in [("Hello, world", #"{"a":2}"#), ("hello world!", #"{"b":2}"#), ("HELLO WORLD", #"{"ok":true}"#)] {
            let input = MatchInput(method: "POST", path: Self.chatPath, headers: [], body: try JSONValue.parse(Self.chat(content).request.body))
            guard case .matched(let fixture) = store.match(input), case .whole(let body) = fixture.responses.last?.body else {
                Issue.record("\(content) does not replay")
                continue
            }
            #expect(String(decoding: body, as: UTF8.self) == answer, "\(content)")
        }
        // The real hash: 16 hex digits.
        let real = FixtureWriter(directory: folder, upstreamHost: "upstream.test").location(for: Self.chat("Hello, world").request)
        let hash = try #require(real.name.split(separator: "-").last)
        #expect(hash.count == 16 && hash.allSatisfy(\.isHexDigit))
    }

    /// 7: every CJK-only prompt had the slug `request` (so names differed by 32 bits of hash only).
    @Test func slugsKeepWordsOfEveryScriptAndStaySafe() {
        #expect(FixtureWriter.slug("你是谁？") == "你是谁")
        #expect(FixtureWriter.slug("请告诉我今天的天气如何？") == "请告诉我今天的天气如何")
        #expect(FixtureWriter.slug("Hello 世界, what's up?") == "hello-世界-what-s-up")
        #expect(FixtureWriter.slug("Привет, мир") == "привет-мир")
        #expect(FixtureWriter.slug("cafe\u{301} crème") == "café-crème")  // composed (NFC): one name per text
        #expect(FixtureWriter.slug("../../etc/passwd") == "etc-passwd")
        #expect(FixtureWriter.slug(".hidden\u{0}name\u{202E}x") == "hidden-name-x")
        #expect(FixtureWriter.slug("🙂 ？ ...") == "request")
        #expect(FixtureWriter.slug(nil) == "request")
        let long = FixtureWriter.slug(String(repeating: "长", count: 100))
        #expect(long.utf8.count <= FixtureWriter.maximumSlugBytes && long.count == 20)
        let ascii = FixtureWriter.slug(String(repeating: "ab ", count: 40))
        #expect(ascii.utf8.count <= FixtureWriter.maximumSlugBytes && !ascii.hasSuffix("-"))
        for text in ["你是谁？", "a/b\\c", "..", "x.y:z*?<>|\"", "tab\there\nnewline"] {
            let slug = FixtureWriter.slug(text)
            #expect(!slug.contains("/") && !slug.contains(".") && !slug.contains("\\") && !slug.hasPrefix("-"), "\(slug)")
            #expect(slug.unicodeScalars.allSatisfy { !CharacterSet.controlCharacters.contains($0) })
        }
        // Deterministic, and the two finding prompts no longer share a slug.
        let writer = FixtureWriter(directory: "/unused", upstreamHost: "example.test")
        #expect(writer.location(for: Self.chat("你是谁？").request) == writer.location(for: Self.chat("你是谁？").request))
        #expect(writer.location(for: Self.chat("你是谁？").request).name.hasPrefix("compat/qwen-plus/你是谁-"))
        #expect(writer.location(for: Self.chat("讲个故事").request).name.hasPrefix("compat/qwen-plus/讲个故事-"))
    }

    // MARK: 12

    /// An upstream whose streams last `seconds` (an event every 100 ms), for any request of model
    /// `qwen-slow`.
    static func slowUpstream(seconds: Int) throws -> (TestServer, String) {
        let events = (0..<(seconds * 10)).map { Self.event($0 * 100, #"data: {"choices":[{"delta":{"content":"tick \#($0)"}}]}"# + "\n\n") }
        let folder = try Self.fixtureFolder("slow", """
            {"mockscope": 1, "name": "slow",
             "request": {"method": "POST", "path": "\(Self.chatPath)", "body": {"model": "qwen-slow"}, "match": "subset"},
             "response": {"status": 200, "headers": {"content-type": "text/event-stream"}, "events": [\(events.joined(separator: ","))]}}
            """)
        return (try TestServer(fixtures: [folder], settings: MockSettings(speed: 1)), folder)
    }

    /// Opens `count` recorded streams (each its own request) and waits until each client has its
    /// first event.
    static func openStreams(_ count: Int, port: UInt16) throws -> [RawHTTP] {
        var clients: [RawHTTP] = []
        for index in 0..<count {
            let client = try RawHTTP(port: port)
            let body = #"{"model":"qwen-slow","messages":[{"role":"user","content":"stream \#(index)"}],"stream":true}"#
            try client.send("POST", chatPath, headers: [("Authorization", "Bearer \(recorderFakeKey)"), ("Content-Type", "application/json")],
                            body: body)
            clients.append(client)
        }
        for client in clients {
            #expect(try client.readHead().status == 200)
            _ = try client.readChunk()
        }
        return clients
    }

    /// 12: SIGTERM with 300 live recorded streams and `--keep-partial` kept 5 files, left a `.tmp`
    /// and logged the rest as "client went away" (the daemon ended the connections first, and the
    /// process left before the writes). Now every open recording is given up for "server shutting
    /// down", written as partial (or dropped without `--keep-partial`) and logged, before the
    /// shutdown returns.
    @Test(arguments: [true, false]) func aGracefulShutdownAccountsForEveryOpenRecording(keepPartial: Bool) async throws {
        let streams = keepPartial ? 48 : 16
        let (upstream, upstreamFolder) = try Self.slowUpstream(seconds: 6)
        defer {
            upstream.stop()
            try? FileManager.default.removeItem(atPath: upstreamFolder)
        }
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = CollectedLog()
        let recorder = try Self.recorder(upstream: upstream.baseURL, folder: folder, log: log, keepPartial: keepPartial)
        let clients = try Self.openStreams(streams, port: recorder.port)
        #expect(recorder.recorder?.inFlightCount == streams)

        let started = ContinuousClock.now
        await recorder.shutDownGracefully(timeout: .milliseconds(300))
        #expect(ContinuousClock.now - started < .seconds(5), "the drain is bounded")
        #expect(recorder.recorder?.inFlightCount == 0)

        let messages = log.messages
        #expect(!messages.contains { $0.contains("went away") }, "\(log.text)")
        let files = RecorderWriterTests.allFiles(folder)
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "\(files)")
        if keepPartial {
            let partial = messages.filter { $0.hasPrefix("recorded POST \(Self.chatPath) 200") && $0.hasSuffix("partial (server shutting down)") }
            #expect(partial.count == streams, "\(log.text)")
            let written = files.filter { $0.hasSuffix(".partial.json") }
            #expect(written.count == streams, "\(files)")
            #expect(Set(written.map { String($0.split(separator: "/")[2].prefix(while: { $0 != "-" })) }) == ["stream"])
            for file in written {
                let root = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))))
                #expect(root["metadata"]?["partial"] == .bool(true))
                #expect((root["response"]?["events"]?.arrayValue?.count ?? 0) >= 1)
            }
        } else {
            let dropped = messages.filter { $0.hasPrefix("not recorded: POST \(Self.chatPath) 200") && $0.hasSuffix(": server shutting down") }
            #expect(dropped.count == streams, "\(log.text)")
            #expect(files.isEmpty, "\(files)")
        }
        withExtendedLifetime(clients) {}
    }

    // MARK: 13d

    /// 13d: a client that does not read made the recorder hold the whole answer about three
    /// times (LiveResponse's queue, the recording, the HTTP client's reads). Now the upstream read
    /// pauses while the client's queue is over the bound and resumes as the client reads.
    @Test func aClientThatDoesNotReadHoldsOnlyTheBoundThenGetsEverything() throws {
        let size = 12 << 20
        let bound = 256 << 10
        // A large answer, every line different (a lost or repeated chunk would show).
        var body: [UInt8] = []
        body.reserveCapacity(size + 64)
        var line = 0
        while body.count < size {
            body += Array("line \(line) abcdefghijklmnopqrstuvwxyz 0123456789\n".utf8)
            line += 1
        }
        let big = Fixture(name: "big", origin: "test",
                          request: RequestPattern(method: "POST", path: Self.chatPath, body: .object(["model": .string("qwen-big")]), match: .subset),
                          response: RecordedResponse(status: 200, headers: HeaderFields([("content-type", "text/plain; charset=utf-8")]),
                                                     body: .whole(body)))
        let upstream = try TestServer(settings: MockSettings(speed: 0), extraFixtures: [big])
        defer { upstream.stop() }
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = CollectedLog()
        let service = try Self.recorder(upstream: upstream.baseURL, folder: folder, log: log, clientQueueBytes: bound)
        defer { service.stop() }
        let recorder = try #require(service.recorder)

        let client = try RawHTTP(port: service.port)
        // A small fixed receive buffer: the kernel does not absorb the answer for the client.
        var small: Int32 = 64 << 10
        setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        try client.send("POST", Self.chatPath, headers: authJSON,
                        body: #"{"model":"qwen-big","messages":[{"role":"user","content":"a big answer"}]}"#)
        #expect(try client.readHead().status == 200)

        // The client reads nothing more: the queue fills to the bound and stays there.
        try eventually("the client's queue to fill") { recorder.clientQueueBytes >= bound / 2 }
        let slack = 256 << 10  // one upstream read past the bound
        // The recorder keeps the largest the queue has ever been: no sampling window is needed.
        #expect(recorder.clientQueueBytes <= bound + slack)
        #expect(recorder.peakClientQueueBytes <= bound + slack, "peak \(recorder.peakClientQueueBytes) bytes queued, bound \(bound)")
        #expect(recorder.inFlightCount == 1, "the upstream answer is not complete while the client does not read")

        // The client reads: everything arrives, in order, and is recorded.
        var received: [UInt8] = []
        received.reserveCapacity(size + 64)
        while let chunk = try client.readChunk() { received += chunk }
        #expect(received.count == body.count)
        #expect(received == body)
        #expect(recorder.peakClientQueueBytes <= bound + slack)
        try eventually("the recording to be written") { recorder.inFlightCount == 0 }
        #expect(log.text.contains("recorded POST \(Self.chatPath) 200 bytes=\(body.count)"), "\(log.text.prefix(2000))")
        let files = RecorderEndToEndTests.jsonFiles(folder)
        let file = try #require(files.first)
        let name = String(file.dropLast(".json".count))
        guard case .whole(let recorded)? = service.handler.store.fixture(named: name)?.response.body else {
            Issue.record("no recorded fixture \(name)")
            return
        }
        #expect(recorded == body)
    }

    /// 13d, the queue's contract: over the limit the producer is told to pause, and resumed once
    /// when the client has taken it down to half, or when the exchange is over.
    @Test func aPausedProducerIsResumedWhenTheQueueDrainsOrTheExchangeEnds() {
        let live = LiveResponse()
        live.sendHead(status: 200, headers: HeaderFields())
        let resumed = Mutex(0)
        let resume: @Sendable () -> Void = { resumed.withLock { $0 += 1 } }
        #expect(live.send([UInt8](repeating: 1, count: 100), limit: 150, resume: resume))
        #expect(!live.send([UInt8](repeating: 2, count: 100), limit: 150, resume: resume))
        #expect(live.queuedBytes == 200 && live.peakQueuedBytes == 200)
        func take(_ count: Int) {
            var buffer = [UInt8](repeating: 0, count: count)
            _ = buffer.withUnsafeMutableBytes { live.fill($0, suspend: {}, resume: {}) }
        }
        take(120)
        #expect(live.queuedBytes == 80 && resumed.withLock { $0 } == 0, "80 bytes queued: over half the limit")
        take(10)
        #expect(resumed.withLock { $0 } == 1)
        take(10)
        #expect(resumed.withLock { $0 } == 1, "resumed once")
        #expect(!live.send([UInt8](repeating: 3, count: 200), limit: 150, resume: resume))
        live.closed(clientWentAway: true)
        #expect(resumed.withLock { $0 } == 2, "a client gone resumes the producer (to its cancellation)")
        let stopping = LiveResponse()
        #expect(!stopping.send([UInt8](repeating: 4, count: 200), limit: 150, resume: resume))
        stopping.shutdown()
        #expect(resumed.withLock { $0 } == 3, "a server stopping resumes it")
    }
}
