import Logging
@testable import MockScope
import MockScopeHTTPTypes
import Synchronization
import Testing

// A stateful protocol added the way a new one is: a module whose state lives in the server's
// `ModuleStateStore`. `POST /toy/notes` stores a note (by synthesis); `GET /toy/notes/{id}` is
// answered from that state whatever `--unmatched` says, until the clock passes its expiry.

private final class ToyNotes: ModuleState {
    struct Note { var text: String; var storedAtMs: Double }
    private let notes = Mutex<[String: Note]>([:])

    func put(_ id: String, _ note: Note) { notes.withLock { $0[id] = note } }
    func get(_ id: String) -> Note? { notes.withLock { $0[id] } }
    func reset() { notes.withLock { $0.removeAll() } }
}

private struct ToyNotesModule: ProtocolModule {
    static let prefix = "/toy/notes"
    static let retentionMs = 60_000.0

    var name: String { "toy-notes" }
    var errorProtocol: APIProtocol? { .compatible }

    func endpoint(for path: String) -> Endpoint? {
        if path == Self.prefix { return Endpoint(module: self) }
        guard path.hasPrefix(Self.prefix + "/") else { return nil }
        return Endpoint(module: self, detail: String(path.dropFirst(Self.prefix.count + 1)))
    }

    private func notes(_ context: ModuleContext) -> ToyNotes { context.states.state(name, make: ToyNotes.init) }

    func synthesize(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard context.request.method == "POST", let text = request.body?["text"]?.stringValue else { return nil }
        let id = "note-" + context.requestID
        notes(context).put(id, .init(text: text, storedAtMs: context.nowMs))
        return ChatSynthesis.wholePlan(#"{"id":"\#(id)"}"#, requestID: context.requestID)
    }

    func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard context.request.method == "GET", let note = notes(context).get(request.endpoint.detail),
              context.nowMs - note.storedAtMs < Self.retentionMs else { return nil }
        return ChatSynthesis.wholePlan(#"{"text":"\#(note.text)"}"#, requestID: context.requestID)
    }
}

@Suite struct ModuleStateSeamTests {
    private func handler(unmatched: UnmatchedPolicy) -> ExchangeHandler {
        ExchangeHandler(store: FixtureStore([]), settings: MockSettings(speed: 0, unmatched: unmatched), clock: MockClock(mode: .virtual),
                        logger: Logger(label: "seam", factory: { _ in SwiftLogNoOpLogHandler() }),
                        protocols: ProtocolRegistry(modules: [ToyNotesModule()] + ProtocolRegistry.standard.modules))
    }

    private func send(_ handler: ExchangeHandler, _ method: String, _ path: String, body: String = "") -> (status: Int, body: String) {
        let request = HTTPRequest(method: method, path: path,
                                  headers: HeaderFields([("Authorization", "Bearer sk-toy"), ("Content-Type", "application/json")]),
                                  body: Array(body.utf8))
        let response = handler.handle(request)
        guard case .bytes(let bytes) = response.body else { return (response.status, "") }
        return (response.status, String(decoding: bytes, as: UTF8.self))
    }

    private func storedID(_ answer: (status: Int, body: String)) throws -> String {
        let parsed = try #require(try? JSONValue.parse(answer.body))
        return try #require(parsed["id"]?.stringValue)
    }

    @Test func stateOutlivesAStoreChangeAndExpiresOnTheClock() throws {
        let server = handler(unmatched: .synthesize)
        let id = try storedID(send(server, "POST", ToyNotesModule.prefix, body: #"{"text":"kept"}"#))
        #expect(send(server, "GET", ToyNotesModule.prefix + "/" + id).body == #"{"text":"kept"}"#)
        // Replacing the fixtures keeps the module's state.
        server.replaceStore(FixtureStore([]))
        #expect(send(server, "GET", ToyNotesModule.prefix + "/" + id).body == #"{"text":"kept"}"#)
        // Answered from state even when misses are errors.
        server.updateSettings { $0.unmatched = .error }
        #expect(send(server, "GET", ToyNotesModule.prefix + "/" + id).status == 200)
        // Past the retention on MockScope's clock: gone (the no-match error).
        _ = server.clock.advance(ms: ToyNotesModule.retentionMs)
        #expect(send(server, "GET", ToyNotesModule.prefix + "/" + id).status != 200)
    }

    @Test func adminResetEmptiesEveryModulesState() throws {
        let server = handler(unmatched: .synthesize)
        let id = try storedID(send(server, "POST", ToyNotesModule.prefix, body: #"{"text":"gone"}"#))
        #expect(send(server, "POST", "/__admin/reset").status == 200)
        server.updateSettings { $0.unmatched = .synthesize }
        #expect(send(server, "GET", ToyNotesModule.prefix + "/" + id).status != 200)
    }
}
