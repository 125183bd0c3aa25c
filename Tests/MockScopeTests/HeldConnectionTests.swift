import Testing
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import MockScopeHTTPTypes
@testable import MockScopeMicroHTTPD

/// Answers by path: `/latency` (200 "late" after 300 ms), `/hang` (500 ms), `/hang-open` (no
/// end), `/stall` (one event, then 500 ms of nothing), `/hold` (a 60 s hang), `/events` (one
/// event at 1 s); keeps every outcome.
final class HeldHandler: HTTPHandler, Sendable {
    static let ms: UInt64 = 1_000_000
    private let outcomes = Mutex<[(path: String, outcome: HTTPOutcome)]>([])

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let sse = HeaderFields([("content-type", "text/event-stream")])
        switch request.path {
        case "/latency": return HTTPResponse(status: 200, body: .bytes(Array("late".utf8)), headerDelayNanos: 300 * Self.ms)
        case "/hang": return HTTPResponse(status: 200, hang: true, hangNanos: 500 * Self.ms)
        case "/hang-open": return HTTPResponse(status: 200, hang: true)
        case "/hold": return HTTPResponse(status: 200, hang: true, hangNanos: 60_000 * Self.ms)
        case "/stall":
            return HTTPResponse(status: 200, headers: sse, body: .stream([TimedChunk(offsetNanos: 0, bytes: Array("one\n\n".utf8))],
                                                                          ending: .stall(nanos: 500 * Self.ms)))
        default:
            return HTTPResponse(status: 200, headers: sse, body: .stream([TimedChunk(offsetNanos: 1_000 * Self.ms, bytes: Array("tick\n\n".utf8))],
                                                                          ending: .complete))
        }
    }

    func completed(_ request: HTTPRequest, outcome: HTTPOutcome) { outcomes.withLock { $0.append((request.path, outcome)) } }

    func finished(_ path: String) -> [HTTPOutcome] { outcomes.withLock { $0.filter { $0.path == path }.map(\.outcome) } }
}

extension RawHTTP {
    /// Sends FIN: the request is all there is (curl-like and HTTP/1.0 clients do), the client
    /// still reads.
    func halfClose() { shutdown(fd, Int32(SHUT_WR)) }

    /// Makes the close (when the client is released) a TCP reset: SO_LINGER 0.
    func resetOnClose() {
        var lg = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, socklen_t(MemoryLayout<linger>.size))
    }

    /// True when the server has closed the connection (EOF is there, nothing unread before it).
    func closedByServer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }
}

/// Round two, finding 8: a client that half-closes after its request still gets what a delay
/// owes it. Before the fix the adapter took the FIN for "client gone": 0 bytes at once under
/// `latency`, a close at once (not at its end) under `hang ms` and `stall ms`.
@Suite(.serialized) struct HalfClosedClientTests {
    static let ms = HeldHandler.ms

    func server(_ clock: ManualSchedulerClock) throws -> (MicroHTTPDDaemon, HeldHandler) {
        var configuration = DaemonConfiguration()
        configuration.clock = clock
        let handler = HeldHandler()
        let server = MicroHTTPDDaemon(configuration: configuration, handler: handler)
        try server.start()
        return (server, handler)
    }

    @Test func aHalfClosedClientGetsItsAnswerAfterALatency() throws {
        let clock = ManualSchedulerClock(now: 1_000 * Self.ms)
        let (server, handler) = try server(clock)
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/latency")
        client.halfClose()
        let base = clock.now()
        try eventually("the latency waiting for its 300 ms") { clock.nextDeadline == base + 300 * Self.ms }
        #expect(try client.bytesArrived() == 0)
        #expect(!client.closedByServer())
        clock.advance(by: 300 * Self.ms)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "late")
        try eventually("the exchange completed") { handler.finished("/latency").count == 1 }
        #expect(handler.finished("/latency").first?.clientWentAway == false)
    }

    @Test func aHalfClosedClientIsKeptUntilATimedHangEnds() throws {
        let clock = ManualSchedulerClock(now: 1_000 * Self.ms)
        let (server, handler) = try server(clock)
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/hang")
        client.halfClose()
        let base = clock.now()
        try eventually("the hang waiting for its 500 ms") { clock.nextDeadline == base + 500 * Self.ms }
        clock.advance(by: 499 * Self.ms)
        #expect(clock.nextDeadline == base + 500 * Self.ms)
        #expect(try client.bytesArrived() == 0)
        #expect(!client.closedByServer(), "closed before the hang's end")
        clock.advance(by: 1 * Self.ms)
        #expect(try client.readSome().isEmpty, "closed without a byte at the end")
        try eventually("the exchange completed") { handler.finished("/hang").count == 1 }
        #expect(handler.finished("/hang").first?.clientWentAway == false)
    }

    @Test func aHalfClosedClientGetsAStallsEventsAndItsEnd() throws {
        let clock = ManualSchedulerClock(now: 1_000 * Self.ms)
        let (server, handler) = try server(clock)
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/stall")
        client.halfClose()
        let base = clock.now()
        #expect(try client.readHead().status == 200)
        #expect(try client.readBody(5) == "one\n\n")
        try eventually("the stall waiting for its 500 ms") { clock.nextDeadline == base + 500 * Self.ms }
        #expect(try client.bytesArrived() == 0)
        #expect(!client.closedByServer(), "closed before the stall's end")
        clock.advance(by: 500 * Self.ms)
        #expect(try client.readSome().isEmpty, "closed at the stall's end, without the terminating chunk")
        try eventually("the exchange completed") { handler.finished("/stall").count == 1 }
        #expect(handler.finished("/stall").first?.clientWentAway == false)
    }

    /// A hang without ms lasts until the client gives up; an SDK that times out closes with a
    /// FIN, which still ends it (nothing would ever be sent), on no clock movement.
    @Test func aHangWithoutAnEndStillEndsOnTheClientsFIN() throws {
        let clock = ManualSchedulerClock()
        let (server, handler) = try server(clock)
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/hang-open")
        try eventually("the hang suspended") { server.suspendedConnections == 1 }
        client.halfClose()
        try eventually("the hang ended by the client's FIN") { handler.finished("/hang-open").count == 1 }
        #expect(handler.finished("/hang-open").first?.clientWentAway == true)
    }
}

/// Round two, finding 9: held connections cost nothing while nothing happens to them. Before the
/// fix each hang, latency and stall was resumed every 100 ms to probe its peer (2,000 hangs took
/// 14 % of a core, 12,000 took 75 %); now the scheduler's epoll set reports a peer that resets.
@Suite(.serialized) struct HeldConnectionWakeUpTests {
    static let ms = HeldHandler.ms

    @Test func heldConnectionsAreNotWokenAndAResetIsSeenWithoutWaking() throws {
        let clock = ManualSchedulerClock(now: 1_000 * Self.ms)
        var configuration = DaemonConfiguration()
        configuration.clock = clock
        let handler = HeldHandler()
        let server = MicroHTTPDDaemon(configuration: configuration, handler: handler)
        try server.start()
        defer { server.stop() }
        let held = 300
        var clients: [RawHTTP] = []
        for _ in 0 ..< held {
            let client = try RawHTTP(port: server.port)
            try client.send("GET", "/hold")
            clients.append(client)
        }
        try eventually("\(held) hangs suspended") { server.suspendedConnections == held }
        let before = server.schedulerWakeUps
        // A second of the scheduler's time goes by; one stream's event falls due at its end, and
        // its arrival shows the scheduler has handled everything due by then.
        let base = clock.now()
        let sentinel = try RawHTTP(port: server.port)
        try sentinel.send("GET", "/events")
        #expect(try sentinel.readHead().status == 200)
        try eventually("the stream waiting for its event") { server.suspendedConnections == held + 1 }
        for step in 1 ... 10 { clock.advance(to: base + UInt64(step) * 100 * Self.ms) }
        #expect(try sentinel.readBody(6) == "tick\n\n")
        #expect(server.schedulerWakeUps - before == 1, "only the stream's event woke a connection (before: \(held) per 100 ms)")
        #expect(server.suspendedConnections == held)

        // Clients that leave with a reset are let go at once, the clock standing still.
        let leaving = 100
        for client in clients.prefix(leaving) { client.resetOnClose() }
        clients.removeFirst(leaving)
        try eventually("\(leaving) reset clients released") { handler.finished("/hold").count == leaving }
        #expect(handler.finished("/hold").allSatisfy { $0.clientWentAway })
        #expect(server.suspendedConnections == held - leaving)
        #expect(server.schedulerWakeUps - before == 1 + leaving)
        #expect(clock.now() == base + 1_000 * Self.ms)
    }
}
