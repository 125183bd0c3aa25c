import Testing
import MockScopeHTTPTypes
@testable import MockScopeMicroHTTPD

/// The stream writer: what the content reader copies out, and when it asks to be woken.
@Suite struct StreamWriterTests {
    func chunks(_ items: [(UInt64, String)]) -> [TimedChunk] {
        items.map { TimedChunk(offsetNanos: $0.0, bytes: Array($0.1.utf8)) }
    }

    func fill(_ stream: StreamContext, now: UInt64, capacity: Int = 64, peerClosed: Bool = false) -> (StreamContext.Step, String) {
        var buffer = [UInt8](repeating: 0, count: capacity)
        let step = buffer.withUnsafeMutableBytes { stream.fill($0, now: now, peerClosed: { peerClosed }) }
        if case .wrote(let n) = step { return (step, String(decoding: buffer[0..<n], as: UTF8.self)) }
        return (step, "")
    }

    @Test func sendsOnlyWhatIsDueAndAsksToWaitForTheRest() {
        let stream = StreamContext(chunks: chunks([(0, "a\n\n"), (100, "b\n\n"), (100, "c\n\n"), (300, "d\n\n")]), ending: .complete, startedAt: 1_000, fd: -1)
        #expect(fill(stream, now: 1_000).1 == "a\n\n")
        #expect(fill(stream, now: 1_050).0 == .wait(until: 1_100))
        #expect(fill(stream, now: 1_100).1 == "b\n\nc\n\n")
        #expect(fill(stream, now: 1_200).0 == .wait(until: 1_300))
        #expect(fill(stream, now: 1_300).1 == "d\n\n")
        #expect(fill(stream, now: 1_301).0 == .finish)
        #expect(stream.bytesSent == 12)
    }

    @Test func splitsAnEventAcrossSmallBuffers() {
        let stream = StreamContext(chunks: chunks([(0, "0123456789")]), ending: .complete, startedAt: 0, fd: -1)
        #expect(fill(stream, now: 0, capacity: 4).1 == "0123")
        #expect(fill(stream, now: 0, capacity: 4).1 == "4567")
        #expect(fill(stream, now: 0, capacity: 4).1 == "89")
        #expect(fill(stream, now: 0, capacity: 4).0 == .finish)
    }

    @Test func endings() {
        let drop = StreamContext(chunks: chunks([(0, "x")]), ending: .drop, startedAt: 0, fd: -1)
        _ = fill(drop, now: 0)
        #expect(fill(drop, now: 0).0 == .abort(reset: false))
        #expect(drop.endedOnPurpose)

        let reset = StreamContext(chunks: [], ending: .reset, startedAt: 0, fd: -1)
        #expect(fill(reset, now: 0).0 == .abort(reset: true))

        let stall = StreamContext(chunks: [], ending: .stall(nanos: 1_000_000_000), startedAt: 0, fd: -1)
        #expect(fill(stall, now: 10).0 == .wait(until: 10 + StreamContext.probeNanos))
        #expect(fill(stall, now: 500_000_000, peerClosed: true).0 == .abort(reset: false))

        let timedStall = StreamContext(chunks: [], ending: .stall(nanos: 50), startedAt: 0, fd: -1)
        #expect(fill(timedStall, now: 0).0 == .wait(until: 50))
        #expect(fill(timedStall, now: 50).0 == .abort(reset: false))
        #expect(timedStall.endedOnPurpose)
    }
}

@Suite struct StreamSchedulerTests {
    @Test func wakesInDueOrderAndRunsEverythingPendingOnStop() async throws {
        let log = LockedLog()
        let scheduler = StreamScheduler(wake: { log.append(Int($0)) })
        scheduler.start()
        let now = MonotonicClock.now()
        var suspended = 0
        for (index, delay) in [30, 10, 20].enumerated() {
            let registered = scheduler.suspend(until: now + UInt64(delay) * 1_000_000, token: UInt(index), suspend: { suspended += 1 })
            #expect(registered)
        }
        #expect(suspended == 3)
        let late = scheduler.suspend(until: now + 60_000_000_000, token: 99, suspend: {})
        #expect(late)
        try await Task.sleep(for: .milliseconds(200))
        #expect(log.items == [1, 2, 0])
        scheduler.stop()
        #expect(log.items == [1, 2, 0, 99])
        let afterStop = scheduler.suspend(until: now, token: 7, suspend: { Issue.record("must not suspend after stop") })
        #expect(!afterStop)
    }
}

import Synchronization

final class LockedLog: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var items: [Int] { storage.withLock { $0 } }
}
