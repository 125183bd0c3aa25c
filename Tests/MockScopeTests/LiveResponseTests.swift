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

    func waitForResponse() throws -> LiveResponse {
        for _ in 0..<500 {
            if let live = responses.withLock({ $0.last }) { return live }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw RawHTTP.Failure("no request arrived")
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
        Thread.sleep(forTimeInterval: 0.05)
        live.sendHead(status: 201, headers: HeaderFields([("content-type", "text/event-stream"), ("x-up", "1")]))
        let head = try client.readHead()
        #expect(head.status == 201)
        #expect(head.headers.contains { $0.0 == "x-up" && $0.1 == "1" })
        live.send(Array("data: one\n\n".utf8))
        #expect(try client.readChunk().map { String(decoding: $0, as: UTF8.self) } == "data: one\n\n")
        Thread.sleep(forTimeInterval: 0.05)
        live.send(Array("data: two\n\n".utf8))
        live.finish()
        #expect(try client.readChunk().map { String(decoding: $0, as: UTF8.self) } == "data: two\n\n")
        #expect(try client.readChunk() == nil)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(handler.outcomes.withLock { $0.first?.status } == 201)
        #expect(server.activeStreams == 0)
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
        // The server notices at its next write.
        for _ in 0..<200 where !heard.load(ordering: .relaxed) {
            live.send(Array("more".utf8))
            Thread.sleep(forTimeInterval: 0.01)
        }
        let wasHeard = heard.load(ordering: .relaxed)
        #expect(wasHeard)
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
