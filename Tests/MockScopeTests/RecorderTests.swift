import Foundation
import Logging
import MockScope
import MockScopeHTTPTypes
import MockScopeRecorder
import MockScopeRuntime
import MockScopeTesting
import Synchronization
import Testing

/// A long fake key (not shaped like a real one) used wherever a test checks redaction.
let recorderFakeKey = "sk-test-0000-fakekeyvalue"

// MARK: - SSE splitting

@Suite struct RecorderSSESplitterTests {
    /// Feeds `chunks`, returns the events (the trailing remainder last, if any).
    func split(_ chunks: [String]) -> [String] {
        var splitter = SSEEventSplitter()
        var events: [String] = []
        for chunk in chunks {
            events += splitter.feed(Array(chunk.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }
        if let rest = splitter.finish() { events.append(String(decoding: rest, as: UTF8.self)) }
        return events
    }

    @Test func severalEventsInOneChunk() {
        let events = split(["data: a\n\ndata: b\n\nid:3\ndata: c\n\n"])
        #expect(events == ["data: a\n\n", "data: b\n\n", "id:3\ndata: c\n\n"])
    }

    @Test func anEventSplitAcrossChunksIsWholeOnlyAtItsBlankLine() {
        var splitter = SSEEventSplitter()
        #expect(splitter.feed(Array("data: {\"a\":".utf8)).isEmpty)
        #expect(splitter.feed(Array("1}\n".utf8)).isEmpty)
        let events = splitter.feed(Array("\ndata: {\"b\"".utf8))
        #expect(events.map { String(decoding: $0, as: UTF8.self) } == ["data: {\"a\":1}\n\n"])
        #expect(splitter.pendingCount == "data: {\"b\"".utf8.count)
        #expect(splitter.feed(Array(":2}\n\n".utf8)).map { String(decoding: $0, as: UTF8.self) } == ["data: {\"b\":2}\n\n"])
        #expect(splitter.finish() == nil)
    }

    @Test func everyByteInItsOwnChunk() {
        let stream = "id:1\nevent:result\n:HTTP_STATUS/200\ndata:{\"x\":\"你好\"}\n\nid:2\ndata:{\"y\":2}\n\n"
        let bytes = Array(stream.utf8)
        var splitter = SSEEventSplitter()
        var events: [[UInt8]] = []
        for byte in bytes { events += splitter.feed([byte]) }
        #expect(events.count == 2)
        #expect(events.flatMap { $0 } == bytes)
        #expect(String(decoding: events[0], as: UTF8.self) == "id:1\nevent:result\n:HTTP_STATUS/200\ndata:{\"x\":\"你好\"}\n\n")
    }

    @Test func crlfEventsEvenWhenACRLFIsCutInTwo() {
        let events = split(["data: a\r\n\r", "\ndata: b\r", "\n\r\n", "data: c\r\n\r\n"])
        #expect(events == ["data: a\r\n\r\n", "data: b\r\n\r\n", "data: c\r\n\r\n"])
    }

    @Test func mixedLineEndings() {
        let events = split(["data: a\r\n\ndata: b\n\r\ndata: c\r\rdata: d\n\n"])
        #expect(events == ["data: a\r\n\n", "data: b\n\r\n", "data: c\r\r", "data: d\n\n"])
    }

    @Test func aLoneCRAtTheEndWaitsForTheNextByte() {
        var splitter = SSEEventSplitter()
        #expect(splitter.feed(Array("data: a\r\n\r".utf8)).isEmpty)  // \r\n\r\n or \r\n\r + next line?
        let events = splitter.feed(Array("data: b\n\n".utf8))         // a CR-only blank line after all
        #expect(events.map { String(decoding: $0, as: UTF8.self) } == ["data: a\r\n\r", "data: b\n\n"])
    }

    @Test func whatIsLeftWithoutABlankLineComesOutAtTheEnd() {
        let events = split(["data: a\n\ndata: [DONE]\n"])
        #expect(events == ["data: a\n\n", "data: [DONE]\n"])
        #expect(split([]) == [])
    }
}

// MARK: - Redaction

@Suite struct RecorderSecretPolicyTests {
    func request(headers: [(String, String)] = [], query: [(String, String)] = [], body: String = "") -> HTTPRequest {
        HTTPRequest(method: "POST", path: "/compatible-mode/v1/chat/completions", query: query.map { ($0.0, $0.1) },
                    headers: HeaderFields(headers.map { ($0.0, $0.1) }), body: Array(body.utf8))
    }

    @Test func credentialHeadersAreReplacedAndTheSchemeKept() {
        let redactor = SecretPolicy()
        let request = request(headers: [("Authorization", "Bearer \(recorderFakeKey)"), ("X-DashScope-ApiKey", "k-123456"),
                                        ("X-DashScope-Token", "t-123456"), ("X-Api-Key", "x-123456"), ("Cookie", "a=b; c=d"),
                                        ("X-DashScope-SSE", "enable"), ("User-Agent", "openai/1.0")])
        let scope = redactor.scope(for: request)
        let headers = scope.headers(request.headers)
        #expect(headers["authorization"] == "Bearer REDACTED")
        #expect(headers["x-dashscope-apikey"] == "REDACTED")
        #expect(headers["x-dashscope-token"] == "REDACTED")
        #expect(headers["x-api-key"] == "REDACTED")
        #expect(headers["cookie"] == "REDACTED")
        #expect(headers["x-dashscope-sse"] == "enable")
        #expect(headers["user-agent"] == "openai/1.0")
        let response = scope.headers(HeaderFields([("Set-Cookie", "acw_tc=abc;path=/;HttpOnly"), ("x-request-id", "r-1")]))
        #expect(response["set-cookie"] == "REDACTED")
        #expect(response["x-request-id"] == "r-1")
    }

    @Test func secretQueryParameters() {
        let redactor = SecretPolicy()
        let request = request(query: [("api_key", "aaaaaaaa"), ("key", "bbbbbbbb"), ("token", "cccccccc"), ("access_token", "dddddddd"),
                                      ("signature", "eeeeeeee"), ("model", "qwen-plus")])
        let query = redactor.scope(for: request).query(request.query)
        #expect(query.map(\.value) == ["REDACTED", "REDACTED", "REDACTED", "REDACTED", "REDACTED", "qwen-plus"])
        #expect(!redactor.isSecretQuery("stream"))
        #expect(redactor.isSecretQuery("X-Amz-Signature") || redactor.isSecretQuery("session_token"))
    }

    @Test func nestedBodyFieldsAtAnyDepth() throws {
        let body = #"{"model":"qwen-plus","api_key":"k1-aaaaaaa","config":{"auth":{"apiKey":"k2-bbbbbbb","password":"hunter22"}},"#
            + #""tools":[{"secret":"s3-ccccccc","name":"weather"}],"max_tokens":10,"access_token":null}"#
        let redactor = SecretPolicy()
        let (value, paths) = redactor.scope(for: request(body: body)).json(try JSONValue.parse(body))
        #expect(value["api_key"] == .string("REDACTED"))
        #expect(value["config"]?["auth"]?["apiKey"] == .string("REDACTED"))
        #expect(value["config"]?["auth"]?["password"] == .string("REDACTED"))
        #expect(value["tools"]?.arrayValue?.first?["secret"] == .string("REDACTED"))
        #expect(value["tools"]?.arrayValue?.first?["name"] == .string("weather"))
        #expect(value["max_tokens"] == .number(10))
        #expect(value["model"] == .string("qwen-plus"))
        #expect(paths == ["api_key", "config.auth.apiKey", "config.auth.password", "tools.0.secret"])
    }

    @Test func theKeyValueIsScrubbedFromEveryString() throws {
        let redactor = SecretPolicy()
        let body = #"{"model":"qwen-plus","messages":[{"role":"user","content":"my key is \#(recorderFakeKey), keep it"}]}"#
        let scope = redactor.scope(for: request(headers: [("Authorization", "Bearer \(recorderFakeKey)")], body: body))
        let (value, _) = scope.json(try JSONValue.parse(body))
        #expect(CanonicalJSON.string(value).contains("my key is REDACTED, keep it"))
        #expect(!CanonicalJSON.string(value).contains(recorderFakeKey))
        let event = "data: {\"echo\":\"Bearer \(recorderFakeKey)\",\"api_key\":\"other-secret-1\",\"n\":1}\n\n"
        #expect(scope.text(event) == "data: {\"echo\":\"Bearer REDACTED\",\"api_key\":\"REDACTED\",\"n\":1}\n\n")
        #expect(scope.headerValue(name: "x-echo", value: "k=\(recorderFakeKey)") == "k=REDACTED")
        // The field scan: spaces around the colon, escaped quotes in names and values, a value
        // already redacted, a quoted word that is not a name, text that is not JSON at all.
        #expect(scope.text(#"{"password" :  "a\"b", "x": "y"}"#) == #"{"password" :  "REDACTED", "x": "y"}"#)
        #expect(scope.text(#"{"say \"hi\"": "token", "token": "REDACTED"}"#) == #"{"say \"hi\"": "token", "token": "REDACTED"}"#)
        #expect(scope.text(#"["token", "secret": "s3", {"Api-Key":"k"}]"#) == #"["token", "secret": "REDACTED", {"Api-Key":"REDACTED"}]"#)
        #expect(scope.text("event: ping\ndata: \"unterminated\n\n") == "event: ping\ndata: \"unterminated\n\n")
    }

    @Test func namesGivenWithRedactAreHeadersQueryParametersOrBodyFields() throws {
        let redactor = SecretPolicy(extraNames: ["X-Internal-Auth", "session", "Tenant_Secret"])
        let body = #"{"model":"m","meta":{"tenant_secret":"tt-1234567"},"session":"visible?"}"#
        let request = request(headers: [("x-internal-auth", "ia-1234567"), ("X-Other", "fine")], query: [("SESSION", "ss-1234567")], body: body)
        let scope = redactor.scope(for: request)
        #expect(scope.headers(request.headers)["x-internal-auth"] == "REDACTED")
        #expect(scope.headers(request.headers)["x-other"] == "fine")
        #expect(scope.query(request.query).first?.value == "REDACTED")
        let (value, paths) = scope.json(try JSONValue.parse(body))
        #expect(value["meta"]?["tenant_secret"] == .string("REDACTED"))
        #expect(value["session"] == .string("REDACTED"))
        #expect(paths == ["meta.tenant_secret", "session"])
        // Without --redact the same names are left alone.
        #expect(!SecretPolicy().isSecretHeader("X-Internal-Auth"))
        #expect(!SecretPolicy().isSecretField("session"))
    }
}

// MARK: - Writing fixtures

@Suite struct RecorderWriterTests {
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "mockscope-rec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func allFiles(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: folder + "/" + $0, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue
        }.sorted()
    }

    static let chatBody = #"{"model":"qwen-plus","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello, World! What's 2+2?"}],"api_key":"\#(recorderFakeKey)"}"#

    static func exchange(body: String = chatBody, events: Bool = false, text: String = #"{"ok":true}"#) -> RecordedExchange {
        let request = HTTPRequest(method: "POST", path: "/compatible-mode/v1/chat/completions",
                                  headers: HeaderFields([("Authorization", "Bearer \(recorderFakeKey)"), ("Content-Type", "application/json")]),
                                  body: Array(body.utf8))
        let headers = HeaderFields([("content-type", events ? "text/event-stream" : "application/json"), ("x-request-id", "r-1"),
                                   ("content-length", "11"), ("date", "today"), ("set-cookie", "acw_tc=\(recorderFakeKey)")])
        let responseBody: RecordedExchange.Body = events
            ? .events([PlannedEvent(atMs: 12.34, text: "data: {\"a\":1}\n\n"), PlannedEvent(atMs: 40, text: "data: [DONE]\n\n")])
            : .whole(Array(text.utf8))
        return RecordedExchange(request: request, status: 200, headers: headers, body: responseBody)
    }

    @Test func namesAreReadableAndDeterministic() {
        let writer = FixtureWriter(directory: "/unused", upstreamHost: "example.test")
        let a = writer.location(for: Self.exchange().request)
        #expect(a == writer.location(for: Self.exchange().request))
        #expect(a.name.hasPrefix("compat/qwen-plus/hello-world-what-s-2-2-"))
        #expect(a.relativePath == a.name + ".json")
        let hash = a.name.split(separator: "-").last.map(String.init) ?? ""
        #expect(hash.count == 16 && hash.allSatisfy(\.isHexDigit))
        let other = writer.location(for: Self.exchange(body: Self.chatBody.replacingOccurrences(of: "2+2", with: "3+3")).request)
        #expect(other != a)
        let cjk = HTTPRequest(method: "POST", path: "/api/v1/services/aigc/text-generation/generation",
                              headers: HeaderFields([("X-DashScope-SSE", "enable")]),
                              body: Array(#"{"model":"qwq-plus","input":{"messages":[{"role":"user","content":"你是谁？"}]}}"#.utf8))
        let native = writer.location(for: cjk)
        #expect(native.name.hasPrefix("native/qwq-plus/你是谁-"))
        var nonStream = cjk
        nonStream.headers = HeaderFields()
        #expect(writer.location(for: nonStream) != native)
        let app = HTTPRequest(method: "POST", path: "/api/v1/apps/weather-app/completion",
                              body: Array(#"{"input":{"prompt":"Weather today?"}}"#.utf8))
        #expect(writer.location(for: app).name.hasPrefix("apps/weather-app/weather-today-"))
    }

    @Test func theFileLoadsBackRedactedAndTheTemporaryFilesAreIgnored() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = FixtureWriter(directory: folder, upstreamHost: "upstream.test:8443")
        let written = try writer.write(Self.exchange(events: true))
        // A temporary file of another writer, caught mid-way: the loader must skip it.
        let stray = (written.path as NSString).deletingLastPathComponent + "/." + (written.path as NSString).lastPathComponent + ".1234abcd.tmp"
        try Data("{\"mockscope\": 1, \"request\": ".utf8).write(to: URL(fileURLWithPath: stray))
        let (fixtures, problems) = FixtureLoader.loadDirectory(folder)
        #expect(problems.isEmpty, "\(problems)")
        #expect(fixtures.count == 1)
        let fixture = try #require(fixtures.first)
        #expect(fixture.name == written.location.name)
        #expect(fixture.metadata?["timing"] == .string("recorded"))
        #expect(fixture.metadata?["upstream"] == .string("upstream.test:8443"))
        #expect(fixture.metadata?["recordedAt"]?.stringValue?.hasSuffix("Z") == true)
        #expect(fixture.metadata?["mockscopeVersion"]?.stringValue?.isEmpty == false)
        #expect(fixture.request.headers.isEmpty)
        #expect(fixture.request.body?["api_key"] == .string("REDACTED"))
        #expect(fixture.request.ignore == ["api_key"])
        #expect(fixture.response.headers["content-length"] == nil)
        #expect(fixture.response.headers["date"] == nil)
        #expect(fixture.response.headers["set-cookie"] == "REDACTED")
        guard case .events(let events) = fixture.response.body else { Issue.record("not a stream"); return }
        #expect(events.map(\.atMs) == [12.3, 40])
        #expect(events.map { String(decoding: $0.bytes, as: UTF8.self) } == ["data: {\"a\":1}\n\n", "data: [DONE]\n\n"])
        let bytes = try String(contentsOfFile: written.path, encoding: .utf8)
        #expect(!bytes.contains(recorderFakeKey))
        // The recorded request matches the request replayed with the real key (the redacted field is ignored).
        let store = FixtureStore(fixtures)
        let input = MatchInput(method: "POST", path: "/compatible-mode/v1/chat/completions", headers: [],
                               body: try JSONValue.parse(Self.chatBody))
        guard case .matched = store.match(input) else { Issue.record("the recorded fixture does not match its own request"); return }
    }

    @Test func concurrentWritesOfOneNameLeaveOneValidFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = FixtureWriter(directory: folder, upstreamHost: "upstream.test")
        // Same request (same name), bodies of very different sizes: a mixed file would not parse.
        let texts = (0..<8).map { i in "{\"writer\":\(i),\"pad\":\"" + String(repeating: "x", count: 1 << (i + 8)) + "\"}" }
        let failures = Mutex<[String]>([])
        let path = folder + "/" + writer.location(for: Self.exchange().request).relativePath
        let writers = DispatchGroup()
        for i in 0..<96 {
            DispatchQueue.global().async(group: writers) {
                do {
                    _ = try writer.write(Self.exchange(text: texts[i % texts.count]))
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        // Meanwhile a reader sees the old file or a new one, whole, never a mix or an empty file.
        var reads = 0, torn = 0
        while writers.wait(timeout: .now()) == .timedOut {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            reads += 1
            if case .failure = FixtureLoader.parse(Array(data), file: path, defaultName: "x") { torn += 1 }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(torn == 0, "\(torn) of \(reads) reads saw a torn file")
        let files = Self.allFiles(folder)
        #expect(files.count == 1, "\(files)")
        let (fixtures, problems) = FixtureLoader.loadDirectory(folder)
        #expect(problems.isEmpty && fixtures.count == 1)
        guard case .whole(let body)? = fixtures.first?.response.body else { Issue.record("no body"); return }
        #expect(texts.contains(String(decoding: body, as: UTF8.self)))
    }

    @Test func atomicWriteReplacesAndLeavesNoTemporaryFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/a/b/c.json"
        try AtomicFile.write(Array("one".utf8), to: path)
        try AtomicFile.write(Array("two".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(Self.allFiles(folder) == ["a/b/c.json"])
    }

    /// A `kill -9` mid-write leaves `.<name>.<hex>.tmp` behind (RELIABILITY.md O-2): the next
    /// recorder removes the stale ones and nothing else.
    @Test func aRecorderRemovesTemporariesAKilledOneLeft() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keep = ["a/c.json", "a/.hidden.json", "a/notes.tmp", "a/.x.notHex.tmp", "a/.c.json.00ff.tmp"]
        for file in keep + ["a/.c.json.1234abcd.tmp", "b/.d.json.ffee0011aabbccdd.tmp"] {
            try AtomicFile.write(Array("{}".utf8), to: folder + "/" + file)
        }
        let old = Date().addingTimeInterval(-3600)
        for file in keep.dropLast() + ["a/.c.json.1234abcd.tmp", "b/.d.json.ffee0011aabbccdd.tmp"] {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: folder + "/" + file)
        }
        let recorder = Recorder(options: RecorderOptions(upstream: try Upstream(url: "http://127.0.0.1:9/"), directory: folder))
        defer { recorder.shutdown() }
        // The fresh temporary (a/.c.json.00ff.tmp, just written) may belong to a live writer: kept.
        #expect(Self.allFiles(folder) == keep.sorted())
    }
}

// MARK: - Forwarding

@Suite struct RecorderUpstreamTests {
    @Test func upstreamURLsAndRegions() throws {
        let plain = try Upstream(url: "http://gateway.test:8090/")
        #expect(plain.baseURL == "http://gateway.test:8090")
        #expect(plain.hostDescription == "gateway.test:8090")
        #expect(try Upstream(url: "https://dashscope.aliyuncs.com/compatible-mode/v1").baseURL == "https://dashscope.aliyuncs.com")
        #expect(try Upstream(url: "https://gw.example/prefix/api/v1").baseURL == "https://gw.example/prefix")
        #expect(Upstream(region: .singapore).host == "dashscope-intl.aliyuncs.com")
        #expect(Upstream(region: .us).host == "dashscope-us.aliyuncs.com")
        #expect(Upstream(region: .beijing).host == "dashscope.aliyuncs.com")
        #expect(throws: RecordingError.self) { try Upstream(url: "ftp://x") }
        #expect(throws: RecordingError.self) { try Upstream(url: "not a url") }
    }

    @Test func hopByHopHeadersStayAndTheBodyIsNotCompressed() {
        let forwarded = UpstreamClient.forwardedHeaders(HeaderFields([
            ("Host", "mockscope.test"), ("Connection", "keep-alive, X-Hop"), ("X-Hop", "1"), ("Keep-Alive", "5"),
            ("Transfer-Encoding", "chunked"), ("TE", "trailers"), ("Upgrade", "h2c"), ("Proxy-Authorization", "Basic x"),
            ("Content-Length", "12"), ("Accept-Encoding", "gzip, deflate"), ("X-MockScope-Speed", "0"),
            ("Authorization", "Bearer k"), ("X-DashScope-SSE", "enable"), ("Content-Type", "application/json"),
        ]))
        #expect(forwarded.map(\.name) == ["Authorization", "X-DashScope-SSE", "Content-Type", "Accept-Encoding"])
        #expect(forwarded.last?.value == "identity")
        let back = UpstreamClient.clientHeaders(HeaderFields([("Content-Length", "3"), ("Transfer-Encoding", "chunked"),
                                                             ("Connection", "close"), ("x-request-id", "r"), ("content-type", "a/b")]))
        #expect(back.fields.map(\.name) == ["x-request-id", "content-type"])
    }
}

// MARK: - End to end

/// Collects log lines, "<level> <message>" (to check what reaches the log: the recording line,
/// one line per request, no secret). Used by the recorder and reliability tests.
final class CollectedLog: Sendable {
    let lines = Mutex<[String]>([])
    /// The messages without their level.
    var messages: [String] { lines.withLock { $0.map { String($0.drop { $0 != " " }.dropFirst()) } } }
    var logger: Logger {
        Logger(label: "mockscope.test.recorder") { _ in CollectingHandler(log: self) }
    }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    struct CollectingHandler: LogHandler {
        let log: CollectedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.lines.withLock { $0.append("\(event.level) \(event.message)") }
        }
    }
}

@Suite(.serialized) struct RecorderEndToEndTests {
    static let chatPath = "/compatible-mode/v1/chat/completions"
    static let storyBody = #"{"model":"qwen-turbo","messages":[{"role":"user","content":"讲个故事"}],"stream":true}"#

    static func storyFixture() throws -> (events: [(at: Double, data: String)], headers: [String: String]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/fixtures/compat/qwen-turbo/tell-a-story.stream.json"))
        let root = try JSONValue.parse(Array(data))
        let events = (root["response"]?["events"]?.arrayValue ?? []).map { ($0["at"]?.numberValue ?? -1, $0["data"]?.stringValue ?? "") }
        let headers = (root["response"]?["headers"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        return (events, headers)
    }

    static func recorder(upstream: String, folder: String, mode: RecordMode, log: CollectedLog) throws -> MockScopeService {
        var options = ServerOptions()
        options.settings = MockSettings(speed: 1)
        options.settings.record = mode
        options.recording = RecordingSetup(upstream: try Upstream(url: upstream), directory: folder)
        let server = try MockScopeService(options: options, logger: log.logger)
        try server.start()
        return server
    }

    static func jsonFiles(_ folder: String) -> [String] {
        RecorderWriterTests.allFiles(folder).filter { $0.hasSuffix(".json") && !(($0 as NSString).lastPathComponent.hasPrefix(".")) }
    }

    @Test func aStreamIsPassedThroughRecordedWithItsTimingAndReplayed() throws {
        let upstream = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 1))
        defer { upstream.stop() }
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = CollectedLog()
        let recorder = try Self.recorder(upstream: upstream.baseURL, folder: folder, mode: .all, log: log)
        defer { recorder.stop() }
        let story = try Self.storyFixture()
        let expected = story.events.map(\.data).joined()
        let headers = [("Authorization", "Bearer \(recorderFakeKey)"), ("Content-Type", "application/json")]

        // A first exchange opens the recorder's connection to the upstream (resolving and connecting
        // take longest on a busy machine: that is not the recorder's overhead per event).
        let warmUp = try RawHTTP.exchange(port: recorder.port, "GET", "/compatible-mode/v1/models", headers: headers)
        #expect(warmUp.status == 200)

        // Through the recorder: the same bytes as the upstream's fixture, streamed.
        let client = try RawHTTP(port: recorder.port)
        let sentAt = MonotonicClock.now()
        try client.send("POST", Self.chatPath, headers: headers, body: Self.storyBody)
        let head = try client.readHead()
        #expect(head.status == 200)
        #expect(head.headers.first { $0.0.lowercased() == "content-type" }?.1 == story.headers["content-type"])
        #expect(head.headers.first { $0.0.lowercased() == "transfer-encoding" }?.1 == "chunked")
        var received: [UInt8] = []
        /// When the client had each prefix of the stream: (ms since it sent the request, bytes so far).
        var arrivals: [(ms: Double, bytes: Int)] = []
        while let chunk = try client.readChunk() {
            received += chunk
            arrivals.append((Double(MonotonicClock.now() &- sentAt) / 1e6, received.count))
        }
        #expect(String(decoding: received, as: UTF8.self) == expected)

        // The fixture is on disk once the client has the end.
        let files = Self.jsonFiles(folder)
        #expect(files.count == 2, "\(files)")
        #expect(files.contains { $0.hasPrefix("compat/models/request-") })
        let file = try #require(files.first { $0.hasPrefix("compat/qwen-turbo/讲个故事-") })
        let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
        #expect(!text.contains(recorderFakeKey))
        #expect(!log.text.contains(recorderFakeKey))
        #expect(log.text.contains("recorded POST \(Self.chatPath) 200 events=\(story.events.count) file=\(folder)/\(file)"), "\(log.text)")
        let root = try JSONValue.parse(text)
        let recorded = (root["response"]?["events"]?.arrayValue ?? []).map { ($0["at"]?.numberValue ?? -1, $0["data"]?.stringValue ?? "") }
        #expect(recorded.map(\.1) == story.events.map(\.data))
        #expect(recorded.count == story.events.count)
        // Each offset is bounded by causality, however loaded the machine: it counts from the
        // recorder's receipt of the request, so it is no earlier than the upstream's own schedule
        // (the upstream starts later), and the recorder notes an event before relaying it, so it is
        // no later than the client's receipt of that event (counted from before the send). Offsets
        // are kept to a tenth of a millisecond.
        var end = 0
        for (index, event) in recorded.enumerated() where index < story.events.count {
            end += event.1.utf8.count
            let clientHad = try #require(arrivals.first { $0.bytes >= end }).ms
            #expect(event.0 >= story.events[index].at - 0.05, "event \(index) recorded at \(event.0) ms, before its upstream offset \(story.events[index].at) ms")
            #expect(event.0 <= clientHad + 0.05, "event \(index) recorded at \(event.0) ms, after the client had it at \(clientHad) ms")
        }
        #expect(root["response"]?["headers"]?["x-request-id"]?.stringValue == story.headers["x-request-id"])
        #expect(root["request"]?["body"]?["stream"] == .bool(true))
        #expect(recorder.handler.store.fixture(named: String(file.dropLast(".json".count))) != nil)

        // Replaying only the recorded folder gives the same bytes.
        let replay = try TestServer(fixtures: [folder], settings: MockSettings(speed: 0))
        defer { replay.stop() }
        let replayed = try RawHTTP.exchange(port: replay.port, "POST", Self.chatPath, headers: headers, body: Self.storyBody)
        #expect(replayed.status == 200)
        #expect(replayed.text == expected)
    }

    @Test func aClientThatLeavesMidStreamLeavesNoFixture() throws {
        let upstream = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 1))
        defer { upstream.stop() }
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = CollectedLog()
        let recorder = try Self.recorder(upstream: upstream.baseURL, folder: folder, mode: .new, log: log)
        defer { recorder.stop() }
        let client = try RawHTTP(port: recorder.port)
        try client.send("POST", Self.chatPath, headers: authJSON, body: Self.storyBody)
        #expect(try client.readHead().status == 200)
        _ = try client.readChunk()
        client.closeNow()
        try eventually("the recorder to conclude the exchange and the upstream to end its stream") {
            (recorder.recorder?.inFlightCount ?? 0) == 0 && upstream.activeStreams == 0
        }
        #expect(recorder.recorder?.inFlightCount == 0)
        #expect(upstream.activeStreams == 0, "the upstream request was not cancelled")
        // Nothing may appear late: the recorder writes a fixture before it counts an exchange as
        // done (inFlightCount 0 above), and the upstream's exchange is over (its journal entry is
        // complete, the client gone), so no more bytes can come that a write would follow.
        let upstreamEntry = try upstream.waitForRequests(1, path: Self.chatPath)
        #expect(upstreamEntry.first?.clientWentAway == true, "the upstream saw the recorder leave")
        #expect(Self.jsonFiles(folder).isEmpty)
        #expect(RecorderWriterTests.allFiles(folder).isEmpty)
        #expect(log.text.contains("not recorded"), "\(log.text)")
    }

    @Test func recordNewReplaysWhatItRecorded() throws {
        let upstream = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { upstream.stop() }
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = CollectedLog()
        let recorder = try Self.recorder(upstream: upstream.baseURL, folder: folder, mode: .new, log: log)
        defer { recorder.stop() }
        let body = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#
        let first = try RawHTTP.exchange(port: recorder.port, "POST", Self.chatPath, headers: authJSON, body: body)
        let second = try RawHTTP.exchange(port: recorder.port, "POST", Self.chatPath, headers: authJSON, body: body)
        #expect(first.status == 200 && second.status == 200)
        #expect(first.text == second.text)
        #expect(log.text.components(separatedBy: "recorded POST").count == 2, "\(log.text)")  // once
        #expect(Self.jsonFiles(folder).count == 1)
    }

    @Test func aRecordModeWithoutAnUpstreamIsAnError() {
        var options = ServerOptions()
        options.settings.record = .new
        #expect(throws: RecordingConfigurationError.self) { _ = try MockScopeService(options: options) }
    }
}

/// Issue-19 finding 1: a web page could plant a fixture that answers every chat request.
@Suite(.serialized) struct RecordingPoisoningTests {
    static let chatPath = "/compatible-mode/v1/chat/completions"

    /// A cross-site "simple" POST, empty or truncated JSON: answered here (403 / 400), never
    /// forwarded, never written; the upstream sees none of them.
    @Test func whatAPageOrTheProtocolRefusesIsNeitherForwardedNorRecorded() throws {
        let upstream = try TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize))
        defer { upstream.stop() }
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recorder = try RecorderEndToEndTests.recorder(upstream: upstream.baseURL, folder: folder, mode: .all, log: CollectedLog())
        defer { recorder.stop() }
        let key = [("Authorization", "Bearer \(recorderFakeKey)")]
        let page = try RawHTTP.exchange(port: recorder.port, "POST", Self.chatPath,
                                        headers: [("Content-Type", "text/plain"), ("Origin", "https://evil.example")], body: "x")
        #expect(page.status == 403)
        let plain = try RawHTTP.exchange(port: recorder.port, "POST", Self.chatPath, headers: key + [("Content-Type", "text/plain")], body: "x")
        #expect(plain.status == 400)
        for body in ["", #"{"model":"qwen-plus","messages":["#] {
            let bad = try RawHTTP.exchange(port: recorder.port, "POST", Self.chatPath, headers: key + [("Content-Type", "application/json")], body: body)
            #expect(bad.status == 400, "\(body)")
        }
        #expect(upstream.requests().isEmpty, "forwarded: \(upstream.requests().map(\.body))")
        #expect(RecorderEndToEndTests.jsonFiles(folder).isEmpty)
        // A valid request still records.
        let good = try RawHTTP.exchange(port: recorder.port, "POST", Self.chatPath, headers: key + [("Content-Type", "application/json")],
                                        body: #"{"model":"qwen-plus","messages":[{"role":"user","content":"hello there"}]}"#)
        #expect(good.status == 200)
        try eventually("the recording on disk") { RecorderEndToEndTests.jsonFiles(folder).count == 1 }
    }

    /// The writer never writes a chat-like fixture without a body pattern, whoever asks.
    @Test func noGenerationFixtureWithoutABodyPattern() throws {
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = FixtureWriter(directory: folder, upstreamHost: "example.test")
        var exchange = RecorderWriterTests.exchange()
        exchange.request.body = Array("x".utf8)
        #expect(throws: RecordingError.self) { try writer.write(exchange) }
        exchange.request.path = "/api/v1/services/aigc/text-generation/generation"
        exchange.request.body = []
        #expect(throws: RecordingError.self) { try writer.write(exchange) }
        #expect(RecorderEndToEndTests.jsonFiles(folder).isEmpty)
    }
}
