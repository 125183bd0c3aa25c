import Foundation
import MockScopeHTTPTypes
@testable import MockScopeMicroHTTPD
import Synchronization
import Testing

/// A handler whose answers come from a producer thread, as a proxied upstream's would.
final class LiveHandler: HTTPHandler {
    let responses = Mutex<[LiveResponse]>([])
    let outcomes = Mutex<[HTTPOutcome]>([])

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let live = LiveResponse()
        responses.withLock { $0.append(live) }
        return HTTPResponse(status: 0, body: .live(live))
    }

    func completed(_ request: HTTPRequest, outcome: HTTPOutcome) { outcomes.withLock { $0.append(outcome) } }

    func waitForResponse(sourceLocation: SourceLocation = #_sourceLocation) throws -> LiveResponse {
        var live: LiveResponse?
        try eventually("a request to reach the handler", sourceLocation: sourceLocation) {
            live = responses.withLock { $0.last }
            return live != nil
        }
        return live!
    }
}

@Suite(.serialized) struct LiveResponseTests {
    @Test func headAndChunksPassThroughAsTheyArrive() throws {
        let handler = LiveHandler()
        let server = MicroHTTPDDaemon(handler: handler)
        try server.start()
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("POST", "/x", body: "{}")
        let live = try handler.waitForResponse()
        // The head reaches a connection parked waiting for it.
        try eventually("the connection parked for the head") { live.connectionIsWaiting }
        live.sendHead(status: 201, headers: HeaderFields([("content-type", "text/event-stream"), ("x-up", "1")]))
        let head = try client.readHead()
        #expect(head.status == 201)
        #expect(head.headers.contains { $0.0 == "x-up" && $0.1 == "1" })
        live.send(Array("data: one\n\n".utf8))
        #expect(try client.readChunk().map { String(decoding: $0, as: UTF8.self) } == "data: one\n\n")
        // The next chunk reaches a connection parked waiting for more.
        try eventually("the connection parked for more body") { live.connectionIsWaiting }
        live.send(Array("data: two\n\n".utf8))
        live.finish()
        #expect(try client.readChunk().map { String(decoding: $0, as: UTF8.self) } == "data: two\n\n")
        #expect(try client.readChunk() == nil)
        try eventually("the exchange's outcome") { handler.outcomes.withLock { !$0.isEmpty } }
        #expect(handler.outcomes.withLock { $0.first?.status } == 201)
        try eventually("the stream freed") { server.activeStreams == 0 }
    }

    @Test func aFailureBeforeTheHeadBecomesAnErrorAnswer() throws {
        let handler = LiveHandler()
        let server = MicroHTTPDDaemon(handler: handler)
        try server.start()
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/x")
        try handler.waitForResponse().fail(status: 502, headers: HeaderFields([("content-type", "text/plain")]), body: Array("upstream down".utf8))
        let response = try client.readResponse()
        #expect(response.status == 502)
        #expect(response.text == "upstream down")
    }

    @Test func theProducerHearsWhenTheClientLeaves() throws {
        let handler = LiveHandler()
        let server = MicroHTTPDDaemon(handler: handler)
        try server.start()
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/x")
        let live = try handler.waitForResponse()
        let heard = Atomic<Bool>(false)
        live.onClientGone { heard.store(true, ordering: .relaxed) }
        live.sendHead(status: 200, headers: HeaderFields())
        live.send(Array("a".utf8))
        _ = try client.readHead()
        client.closeNow()
        // The server notices at its next write: keep writing until it has.
        try eventually("the producer to hear the client left") {
            if heard.load(ordering: .relaxed) { return true }
            live.send(Array("more".utf8))
            return false
        }
        #expect(live.clientGone)
    }

    @Test func stoppingTheServerEndsAWaitingExchange() throws {
        let handler = LiveHandler()
        let server = MicroHTTPDDaemon(handler: handler)
        try server.start()
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/x")
        _ = try handler.waitForResponse()
        server.stop()   // must not hang or crash with a suspended connection
        #expect(server.activeStreams == 0)
    }
}
