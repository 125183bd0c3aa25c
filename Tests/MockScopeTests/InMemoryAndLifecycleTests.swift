import Foundation
import Logging
@testable import MockScope
import MockScopeHTTPTypes
@testable import MockScopeRuntime
import MockScopeTesting
import ServiceLifecycle
import Synchronization
import Testing

/// `TestServer`'s in-memory mode and async API, a protocol module added without touching the
/// pipeline (embeddings), and the service's graceful lifecycle.
@Suite struct InMemoryAndLifecycleTests {
    static let who = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#

    @Test func inMemoryDrivesThePipelineWithoutASocket() async throws {
        let server = try TestServer(settings: MockSettings(speed: 0), mode: .inMemory)
        defer { server.stop() }
        #expect(server.port == 0)
        let answer = server.post("/compatible-mode/v1/chat/completions", json: Self.who)
        #expect(answer.status == 200)
        #expect(answer.text.contains("通义千问"))
        let refused = await server.respond(to: HTTPRequest(method: "POST", path: "/compatible-mode/v1/chat/completions",
                                                           headers: HeaderFields([("Content-Type", "application/json")]),
                                                           body: Array(Self.who.utf8)))
        #expect(refused.status == 401)
        let entries = try await server.requests(atLeast: 2, path: "/compatible-mode/v1/chat/completions")
        #expect(entries.map(\.status) == [200, 401])
        #expect(entries[0].fixture == "compat/qwen-plus/who-are-you")
        // A repeated request is answered from the decision memo: the same bytes.
        #expect(server.post("/compatible-mode/v1/chat/completions", json: Self.who).body == answer.body)
        // A stream comes back with its recorded offsets, not waited out.
        let stream = server.post("/compatible-mode/v1/chat/completions",
                                 json: #"{"model":"qwq-plus","messages":[{"role":"user","content":"9.9和9.11谁大"}],"stream":true}"#)
        #expect(stream.status == 200)
        #expect(stream.chunks.count > 3)
        #expect(stream.text.hasSuffix("data: [DONE]\n\n"))
    }

    /// The server serves what it is given and the built-ins, whatever the working directory
    /// holds: `swift test` runs in the repository root, whose `./fixtures` the CLI would serve.
    @Test func testServerIgnoresTheWorkingDirectory() throws {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.fileExists(atPath: cwd + "/fixtures"), "run from the repository root")
        let server = try TestServer(settings: MockSettings(speed: 0), mode: .inMemory)
        defer { server.stop() }
        let fixtures = server.handler.store.fixtures
        #expect(fixtures.count > 10)
        #expect(fixtures.allSatisfy { !$0.origin.hasPrefix(cwd + "/fixtures") }, "\(fixtures.first?.origin ?? "")")
        // The CLI's options still read it.
        let cli = try MockScopeService(options: ServerOptions(), logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(cli.handler.store.fixtures.contains { $0.origin.hasPrefix(cwd + "/fixtures") })
    }

    /// Embeddings are a protocol module of their own: synthesized vectors of the asked dimension,
    /// unit length, texts that share words closer than texts that share none.
    @Test func synthesizedEmbeddingsAreUsefulVectors() throws {
        let server = try TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize), mode: .inMemory)
        defer { server.stop() }
        let answer = server.post("/compatible-mode/v1/embeddings",
                                 json: #"{"model":"text-embedding-v4","input":["the cat sat on the mat","a cat on a mat","stock prices fell sharply"],"dimensions":256}"#)
        #expect(answer.status == 200)
        let data = try #require(try JSONValue.parse(answer.body)["data"]?.arrayValue)
        let vectors = data.map { ($0["embedding"]?.arrayValue ?? []).compactMap(\.numberValue) }
        #expect(vectors.map(\.count) == [256, 256, 256])
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        // float32 values, as the service sends them: unit length to float32's precision.
        for vector in vectors { #expect(abs(dot(vector, vector) - 1) < 1e-6) }
        #expect(dot(vectors[0], vectors[1]) > dot(vectors[0], vectors[2]) + 0.2)
        let native = server.post("/api/v1/services/embeddings/text-embedding/text-embedding",
                                 json: #"{"model":"text-embedding-v4","input":{"texts":["风急天高猿啸哀"]},"parameters":{"dimension":64}}"#)
        #expect(native.status == 200)
        let embeddings = try #require(try JSONValue.parse(native.body).value(at: "output.embeddings")?.arrayValue)
        #expect(embeddings.first?["embedding"]?.arrayValue?.count == 64)
        #expect(embeddings.first?["text_index"] == .number(0))
        // Unsynthesized, the recorded fixture still replays as before.
        let recorded = server.post("/compatible-mode/v1/embeddings",
                                   json: #"{"model":"text-embedding-v4","input":"衣服的质量杠杠的","dimensions":64,"encoding_format":"float"}"#)
        #expect(server.requests(path: "/compatible-mode/v1/embeddings").last?.fixture == "compat/text-embedding-v4/short-text")
        #expect(recorded.status == 200)
    }

    /// Under a ServiceGroup, a graceful shutdown stops accepting connections, then stops the
    /// service, and `run()` returns; the group ends without error.
    @Test func gracefulShutdownStopsTheService() async throws {
        var options = ServerOptions()
        options.readsWorkingDirectory = false
        options.settings = MockSettings(speed: 0)
        let service = try MockScopeService(options: options, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(services: [service], logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        // Started here (run() starts only what is not running): the group's task may wait for a
        // thread of the cooperative pool, which the suite's blocking tests share.
        try service.start()
        let running = Task { try await group.run() }
        let health = try RawHTTP.exchange(port: service.port, "GET", "/__admin/health")
        #expect(health.status == 200)
        let port = service.port
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(throws: (any Error).self) { try RawHTTP.exchange(port: port, "GET", "/__admin/health") }
    }
}

/// The HTTP layer's counts are read by every admin status and metrics answer: reading them often
/// keeps nothing (they were closures copied out of a Mutex, which leaked and, read 200,000 times
/// in a debug build, crashed).
@Suite struct ActivityCountsTests {
    @Test func theCountsCanBeReadOftenAndFollowTheReporter() {
        let handler = ExchangeHandler(store: FixtureStore([]))
        final class Layer: Sendable {
            let open = Atomic<Int>(0)
        }
        let layer = Layer()
        handler.reportActiveStreams({ [weak layer] in layer?.open.load(ordering: .relaxed) ?? -1 },
                                    openRequests: { [weak layer] in (layer?.open.load(ordering: .relaxed) ?? -1) * 2 })
        var sum = 0
        for round in 0..<200_000 {
            if round == 100_000 { layer.open.store(3, ordering: .relaxed) }
            sum += handler.activeStreamCount + handler.openRequestCount
        }
        #expect(sum == 100_000 * 9)
        #expect(handler.activeStreamCount == 3 && handler.openRequestCount == 6)
    }
}
