import Testing
@testable import MockScopeMicroHTTPD
import MockScopeHTTPTypes

/// A stream's events larger than `DaemonConfiguration.streamBlockSize` (512 bytes by default) go
/// out whole: an HTTP/1.1 client gets each in one chunk (chunked bodies are written in the
/// connection's pool, not the block), an HTTP/1.0 client gets the same bytes unchunked until the
/// connection closes (read a block at a time).
@Suite(.serialized) struct StreamBlockTests {
    static let events = [String(repeating: "a", count: 1500) + "\n\n", "data: small\n\n", String(repeating: "b", count: 3000) + "\n\n"]

    func server() throws -> MicroHTTPDDaemon {
        let server = MicroHTTPDDaemon(configuration: DaemonConfiguration(),
                                      handler: TimedStreamHandler(Self.events.enumerated().map { (UInt64($0.offset), $0.element) }))
        try server.start()
        return server
    }

    @Test func theDefaultBlockIsSmallerThanTheEvents() {
        #expect(DaemonConfiguration().streamBlockSize < Self.events.map(\.utf8.count).max()!)
    }

    @Test func anHTTP11ClientGetsEachEventInOneChunk() throws {
        let server = try server()
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/events")
        let head = try client.readHead()
        #expect(head.status == 200)
        #expect(head.headers.contains { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" })
        var received: [UInt8] = []
        var largest = 0
        while let chunk = try client.readChunk() {
            received += chunk
            largest = max(largest, chunk.count)
        }
        #expect(String(decoding: received, as: UTF8.self) == Self.events.joined())
        #expect(largest >= 3002, "the 3,002-byte event in one chunk: the block does not cut chunked writes")
    }

    @Test func anHTTP10ClientGetsTheSameBytesUnchunked() throws {
        let server = try server()
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.write(Array("GET /events HTTP/1.0\r\n\r\n".utf8))
        let head = try client.readHead()
        #expect(head.status == 200)
        #expect(!head.headers.contains { $0.0.lowercased() == "transfer-encoding" })
        var received: [UInt8] = []
        while true {
            let piece = try client.readSome()
            if piece.isEmpty { break }
            received += piece
        }
        #expect(String(decoding: received, as: UTF8.self) == Self.events.joined())
        try eventually("the stream freed") { server.activeStreams == 0 }
    }
}
