import Testing
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MockScopeHTTPTypes
@testable import MockScopeMicroHTTPD

/// The stream writer: what the content reader copies out, and when it asks to be woken.
@Suite struct StreamWriterTests {
    func chunks(_ items: [(UInt64, String)]) -> [TimedChunk] {
        items.map { TimedChunk(offsetNanos: $0.0, bytes: Array($0.1.utf8)) }
    }

    /// `peerReset`: the peer reset the connection; `peerHalfClosed`: it sent its FIN.
    func fill(_ stream: StreamContext, now: UInt64, capacity: Int = 64, peerReset: Bool = false,
              peerHalfClosed: Bool = false) -> (StreamContext.Step, String) {
        var buffer = [UInt8](repeating: 0, count: capacity)
        let step = buffer.withUnsafeMutableBytes {
            stream.fill($0, now: now, peerGone: { halfCloseEnds in peerReset || (halfCloseEnds && peerHalfClosed) })
        }
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

        // A timed stall waits for its end, watching the peer; a half-close does not end it, a reset does.
        let stall = StreamContext(chunks: [], ending: .stall(nanos: 1_000_000_000), startedAt: 0, fd: -1)
        #expect(fill(stall, now: 10).0 == .watch(until: 1_000_000_010, halfCloseEnds: false))
        #expect(fill(stall, now: 400_000_000, peerHalfClosed: true).0 == .watch(until: 1_000_000_010, halfCloseEnds: false))
        #expect(fill(stall, now: 500_000_000, peerReset: true).0 == .abort(reset: false))
        #expect(!stall.endedOnPurpose)

        // A stall without ms lasts until the client gives up: its FIN ends it too.
        let open = StreamContext(chunks: [], ending: .stall(nanos: nil), startedAt: 0, fd: -1)
        #expect(fill(open, now: 10).0 == .watch(until: .max, halfCloseEnds: true))
        #expect(fill(open, now: 20, peerHalfClosed: true).0 == .abort(reset: false))

        let timedStall = StreamContext(chunks: [], ending: .stall(nanos: 50), startedAt: 0, fd: -1)
        #expect(fill(timedStall, now: 0).0 == .watch(until: 50, halfCloseEnds: false))
        #expect(fill(timedStall, now: 50).0 == .abort(reset: false))
        #expect(timedStall.endedOnPurpose)
    }
}

/// Round two, finding 10: a paced stream (`slow_chunks bytes_per_second`) keeps its chunks whole;
/// the writer sends what the rate allows at each wake-up and asks to be woken for the next granule
/// (a hundredth of a second's worth of bytes, at least one).
@Suite struct PacedStreamTests {
    static let ms: UInt64 = 1_000_000

    func fill(_ stream: StreamContext, now: UInt64, capacity: Int = 64) -> (StreamContext.Step, String) {
        var buffer = [UInt8](repeating: 0, count: capacity)
        let step = buffer.withUnsafeMutableBytes { stream.fill($0, now: now, peerGone: { _ in false }) }
        if case .wrote(let n) = step { return (step, String(decoding: buffer[0..<n], as: UTF8.self)) }
        return (step, "")
    }

    @Test func bytesGoAtTheRateAndAChunkStartsOnceThePreviousIsOut() {
        // 100 B/s: a byte every 10 ms. "XY" is due at 20 ms, but the link is busy until 60 ms.
        let stream = StreamContext(chunks: [TimedChunk(offsetNanos: 0, bytes: Array("abcdef".utf8)),
                                            TimedChunk(offsetNanos: 20 * Self.ms, bytes: Array("XY".utf8))],
                                   ending: .complete, startedAt: 1_000 * Self.ms, fd: -1, bytesPerSecond: 100)
        let base = 1_000 * Self.ms
        var received = ""
        var now = base
        var wakeUps: [UInt64] = []
        while true {
            let (step, text) = fill(stream, now: now)
            received += text
            if case .wait(let due) = step {
                #expect(due > now)
                wakeUps.append(due - base)
                now = due
            } else if step == .finish {
                break
            }
        }
        #expect(received == "abcdefXY")
        #expect(wakeUps == [10, 20, 30, 40, 50, 60, 70].map { $0 * Self.ms })
        #expect(now == base + 70 * Self.ms)
    }

    @Test func aFastRateGoesInTenMillisecondGranulesAndNothingIsEarly() {
        // 1,000 B/s: granules of 10 bytes, every 10 ms.
        let body = String(repeating: "0123456789", count: 2) + "abcde"
        let stream = StreamContext(chunks: [TimedChunk(offsetNanos: 0, bytes: Array(body.utf8))], ending: .complete,
                                   startedAt: 0, fd: -1, bytesPerSecond: 1_000)
        #expect(fill(stream, now: 0).1 == "0123456789")
        #expect(fill(stream, now: 9 * Self.ms).0 == .wait(until: 10 * Self.ms))
        #expect(fill(stream, now: 10 * Self.ms).1 == "0123456789")
        #expect(fill(stream, now: 25 * Self.ms).1 == "abcde")
        #expect(fill(stream, now: 25 * Self.ms).0 == .finish)
        // Late wake-ups catch up at once, within the buffer.
        let late = StreamContext(chunks: [TimedChunk(offsetNanos: 0, bytes: Array(body.utf8))], ending: .complete,
                                 startedAt: 0, fd: -1, bytesPerSecond: 1_000)
        #expect(fill(late, now: 1_000 * Self.ms).1 == body)
    }

    @Test func oneBytePerSecondWakesOncePerByte() {
        let stream = StreamContext(chunks: [TimedChunk(offsetNanos: 0, bytes: Array("abc".utf8)), TimedChunk(offsetNanos: 0, bytes: [])],
                                   ending: .stall(nanos: nil), startedAt: 0, fd: -1, bytesPerSecond: 1)
        #expect(fill(stream, now: 0).1 == "a")
        #expect(fill(stream, now: 999 * Self.ms).0 == .wait(until: 1_000 * Self.ms))
        #expect(fill(stream, now: 1_000 * Self.ms).1 == "b")
        #expect(fill(stream, now: 2_000 * Self.ms).1 == "c")
        // The empty chunk starts once "abc" is out (3 s), then the stall.
        #expect(fill(stream, now: 2_500 * Self.ms).0 == .wait(until: 3_000 * Self.ms))
        #expect(fill(stream, now: 3_000 * Self.ms).0 == .watch(until: .max, halfCloseEnds: true))
        #expect(stream.bytesSent == 3)
    }

    @Test func hugeRatesAndTimesDoNotOverflow() {
        #expect(StreamContext.pacedNanos(UInt64.max, rate: 1) == .max)
        #expect(StreamContext.pacedAllowance(elapsed: .max, rate: 1_000_000_000_000, granule: 10_000_000_000) == .max)
    }
}

@Suite struct StreamSchedulerTests {
    @Test func wakesInDueOrderAndRunsEverythingPendingOnStop() throws {
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
        try eventually("the three wake-ups due in 10-30 ms") { log.items.count >= 3 }
        #expect(log.items == [1, 2, 0])
        scheduler.stop()
        #expect(log.items == [1, 2, 0, 99])
        let afterStop = scheduler.suspend(until: now, token: 7, suspend: { Issue.record("must not suspend after stop") })
        #expect(!afterStop)
    }

    /// Watched waits whose peers go are woken by the watch, not the clock, and their stale heap
    /// entries (due at UInt64.max: "until the client leaves") do not pile up.
    @Test func watchedWaitsAreWokenWhenTheirPeerGoesAndLeaveNothingBehind() throws {
        let log = LockedLog()
        let clock = ManualSchedulerClock()
        let scheduler = StreamScheduler(clock: clock, wake: { log.append(Int($0)) })
        scheduler.start()
        defer { scheduler.stop() }
        let count = 600
        var pairs: [(Int32, Int32)] = []
        for index in 0 ..< count {
            var fds: [Int32] = [0, 0]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
            pairs.append((fds[0], fds[1]))
            #expect(scheduler.suspend(until: .max, token: UInt(index + 1), watching: fds[0], suspend: {}))
        }
        #expect(scheduler.pending == count)
        for (_, peer) in pairs { close(peer) }
        try eventually("every watched wait woken by its peer's close") { log.items.count == count }
        #expect(Set(log.items) == Set(1 ... count))
        #expect(scheduler.wakeUps == count)
        #expect(scheduler.pending == 0)
        #expect(scheduler.heapCount < StreamScheduler.compactionThreshold, "stale entries were compacted")
        #expect(clock.now() == 0)
        for (own, _) in pairs { close(own) }
    }

    /// On a manual clock nothing is woken until the clock reaches it, and then in due order.
    @Test func onAManualClockWakesOnlyWhatTheClockHasReached() throws {
        let log = LockedLog()
        let clock = ManualSchedulerClock(now: 1_000)
        let scheduler = StreamScheduler(clock: clock, wake: { log.append(Int($0)) })
        scheduler.start()
        defer { scheduler.stop() }
        for (token, due) in [(0, 1_300), (1, 1_100), (2, 1_200), (3, 1_200)] {
            #expect(scheduler.suspend(until: UInt64(due), token: UInt(token), suspend: {}))
        }
        try eventually("the scheduler waiting for 1100") { clock.nextDeadline == 1_100 }
        #expect(log.items.isEmpty)
        clock.advance(to: 1_099)
        #expect(clock.nextDeadline == 1_100, "advancing short of the deadline wakes nothing")
        #expect(log.items.isEmpty)
        clock.advance(by: 1)
        try eventually("token 1 woken at 1100, then the scheduler waiting for 1200") { log.items == [1] && clock.nextDeadline == 1_200 }
        clock.advance(to: 1_250)
        try eventually("tokens 2 and 3 woken at 1250, in registration order") { log.items == [1, 2, 3] && clock.nextDeadline == 1_300 }
        // A registration earlier than the one waited for becomes the deadline.
        #expect(scheduler.suspend(until: 1_260, token: 4, suspend: {}))
        try eventually("the scheduler waiting for 1260") { clock.nextDeadline == 1_260 }
        clock.advance(to: 2_000)
        try eventually("tokens 4 and 0 woken at 2000") { log.items == [1, 2, 3, 4, 0] }
        #expect(scheduler.pending == 0)
        // Due already: woken without the clock moving.
        #expect(scheduler.suspend(until: 2_000, token: 5, suspend: {}))
        try eventually("token 5, due at once") { log.items.last == 5 }
        #expect(clock.now() == 2_000)
    }
}

/// A handler that answers every request with the same timed stream.
struct TimedStreamHandler: HTTPHandler {
    let chunks: [TimedChunk]
    init(_ items: [(UInt64, String)]) {
        chunks = items.map { TimedChunk(offsetNanos: $0.0 * 1_000_000, bytes: Array($0.1.utf8)) }
    }
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(status: 200, headers: HeaderFields([("content-type", "text/event-stream")]), body: .stream(chunks, ending: .complete))
    }
    func completed(_ request: HTTPRequest, outcome: HTTPOutcome) {}
}

/// Streams over real sockets on a daemon whose scheduler runs on a manual clock: each event is
/// sent when the clock reaches its offset, and not before.
@Suite(.serialized) struct ManualClockStreamTests {
    static let ms: UInt64 = 1_000_000

    @Test func eachEventIsSentOnlyWhenTheClockReachesItsOffset() throws {
        let clock = ManualSchedulerClock(now: 5_000 * Self.ms)
        var configuration = DaemonConfiguration()
        configuration.clock = clock
        let server = MicroHTTPDDaemon(configuration: configuration,
                                      handler: TimedStreamHandler([(0, "a\n\n"), (50, "b\n\n"), (50, "c\n\n"), (120, "d\n\n")]))
        try server.start()
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/events")
        let base = clock.now()
        // Offset 0 is due at once.
        #expect(try client.readHead().status == 200)
        #expect(try client.readBody(3) == "a\n\n")
        try eventually("the stream waiting for 50 ms") { clock.nextDeadline == base + 50 * Self.ms }
        #expect(try client.bytesArrived() == 0)
        clock.advance(to: base + 50 * Self.ms - 1)
        #expect(clock.nextDeadline == base + 50 * Self.ms, "short of the offset: still waiting")
        #expect(try client.bytesArrived() == 0)
        clock.advance(by: 1)
        #expect(try client.readBody(6) == "b\n\nc\n\n")
        try eventually("the stream waiting for 120 ms") { clock.nextDeadline == base + 120 * Self.ms }
        #expect(try client.bytesArrived() == 0)
        clock.advance(by: 70 * Self.ms)
        #expect(try client.readBody(3) == "d\n\n")
        #expect(try client.readChunk() == nil)
        try eventually("the stream freed") { server.activeStreams == 0 }
        #expect(clock.now() == base + 120 * Self.ms)
    }

    @Test func aFirstEventThatIsNotDueWaitsForTheClock() throws {
        let clock = ManualSchedulerClock()
        var configuration = DaemonConfiguration()
        configuration.clock = clock
        let server = MicroHTTPDDaemon(configuration: configuration, handler: TimedStreamHandler([(100, "late\n\n")]))
        try server.start()
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/events")
        try eventually("the stream waiting for 100 ms") { clock.nextDeadline == 100 * Self.ms }
        // The head is sent at once; the body waits.
        #expect(try client.readHead().status == 200)
        #expect(try client.bytesArrived() == 0)
        clock.advance(to: 100 * Self.ms)
        #expect(try client.readBody(6) == "late\n\n")
        #expect(try client.readChunk() == nil)
    }
}

/// A paced stream over a real socket on a manual clock: at 1 B/s each byte goes when the clock
/// reaches its second, and not before.
@Suite(.serialized) struct PacedStreamOverSocketTests {
    struct PacedHandler: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPResponse {
            HTTPResponse(status: 200, headers: HeaderFields([("content-type", "text/event-stream")]),
                         body: .stream([TimedChunk(offsetNanos: 0, bytes: Array("abc".utf8))], ending: .complete), bytesPerSecond: 1)
        }
        func completed(_ request: HTTPRequest, outcome: HTTPOutcome) {}
    }

    @Test func eachByteGoesWhenTheClockReachesItsSecond() throws {
        let second: UInt64 = 1_000_000_000
        let clock = ManualSchedulerClock(now: 7 * second)
        var configuration = DaemonConfiguration()
        configuration.clock = clock
        let server = MicroHTTPDDaemon(configuration: configuration, handler: PacedHandler())
        try server.start()
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("GET", "/paced")
        let base = clock.now()
        #expect(try client.readHead().status == 200)
        #expect(try client.readBody(1) == "a")
        for (index, byte) in ["b", "c"].enumerated() {
            let due = base + UInt64(index + 1) * second
            try eventually("the stream waiting for byte \(index + 2)") { clock.nextDeadline == due }
            clock.advance(to: due - 1)
            #expect(try client.bytesArrived() == 0, "byte \(index + 2) sent early")
            clock.advance(to: due)
            #expect(try client.readBody(1) == byte)
        }
        #expect(try client.readChunk() == nil)
        #expect(server.schedulerWakeUps == 2, "one wake-up per byte")
    }
}

/// A daemon stopped and started again serves timed streams as on its first run (each start has
/// a fresh scheduler; before, every timed wait after a restart was aborted).
@Suite(.serialized) struct DaemonRestartTests {
    @Test func aRestartedDaemonServesTimedStreams() throws {
        let server = MicroHTTPDDaemon(handler: TimedStreamHandler([(0, "one\n\n"), (20, "two\n\n"), (40, "three\n\n")]))
        for run in 1...3 {
            try server.start()
            #expect(throws: DaemonError.alreadyStarted) { try server.start() }
            let response = try RawHTTP.exchange(port: server.port, "GET", "/events")
            #expect(response.status == 200, "run \(run)")
            #expect(response.text == "one\n\ntwo\n\nthree\n\n", "run \(run)")
            try eventually("run \(run)'s stream freed") { server.activeStreams == 0 && server.openRequests == 0 }
            server.stop()
            server.stop()
        }
    }

    @Test func aRestartOnAManualClockWaitsForTheClockAgain() throws {
        let clock = ManualSchedulerClock()
        var configuration = DaemonConfiguration()
        configuration.clock = clock
        let server = MicroHTTPDDaemon(configuration: configuration, handler: TimedStreamHandler([(0, "a\n\n"), (10, "b\n\n")]))
        defer { server.stop() }
        for run in 1...2 {
            try server.start()
            let client = try RawHTTP(port: server.port)
            try client.send("GET", "/events")
            let base = clock.now()
            #expect(try client.readHead().status == 200)
            #expect(try client.readBody(3) == "a\n\n", "run \(run)")
            try eventually("run \(run): the stream waiting for 10 ms") { clock.nextDeadline == base + 10_000_000 }
            #expect(try client.bytesArrived() == 0)
            clock.advance(by: 10_000_000)
            #expect(try client.readBody(3) == "b\n\n", "run \(run)")
            #expect(try client.readChunk() == nil, "run \(run)")
            server.stop()
        }
    }

    @Test func aDaemonThatCannotBindCanBeStartedOnceThePortIsFree() throws {
        let holder = MicroHTTPDDaemon(handler: TimedStreamHandler([(0, "x")]))
        try holder.start()
        var configuration = DaemonConfiguration()
        configuration.port = holder.port
        let server = MicroHTTPDDaemon(configuration: configuration, handler: TimedStreamHandler([(0, "ok\n\n"), (10, "later\n\n")]))
        defer { server.stop() }
        #expect(throws: DaemonError.self) { try server.start() }
        holder.stop()
        try server.start()
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/events").text == "ok\n\nlater\n\n")
    }
}

import Synchronization

final class LockedLog: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var items: [Int] { storage.withLock { $0 } }
}
