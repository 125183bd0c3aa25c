#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import MockScope
import Testing

/// The log writer flushes by a timer set by the first waiting line, not by one that ticks while
/// the server is idle; every line still reaches the descriptor within the interval.
@Suite struct BufferedLogWriterTests {
    /// Reads from `fd` until `text` has arrived (poll with a deadline: no fixed sleep).
    static func read(_ fd: Int32, until text: String, within seconds: Double = 10) -> String {
        var got = [UInt8]()
        let deadline = Date().addingTimeInterval(seconds)
        while !String(decoding: got, as: UTF8.self).contains(text), Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 { got += buffer[0..<count] }
        }
        return String(decoding: got, as: UTF8.self)
    }

    @Test func theTimerIsSetOnlyWhileLinesWait() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let writer = BufferedLogWriter(fd: fds[1], flushIntervalMillis: 5)
        defer { writer.close() }
        #expect(!writer.flushIsDue)  // a new writer waits for nothing
        for round in 1...3 {
            writer.line { bytes, _ in bytes.append(contentsOf: "line \(round)a".utf8) }
            writer.line { bytes, _ in bytes.append(contentsOf: "line \(round)b".utf8) }
            #expect(writer.flushIsDue)
            let text = Self.read(fds[0], until: "line \(round)b\n")
            #expect(text.contains("line \(round)a\n") && text.contains("line \(round)b\n"))
            // Flushed: nothing waits, so no timer is set until the next line.
            #expect(!writer.flushIsDue)
        }
    }
}
