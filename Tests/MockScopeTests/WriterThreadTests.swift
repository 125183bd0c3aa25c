import Foundation
@testable import MockScopeRecorder
import Synchronization
import Testing

/// The recorder's writer thread: jobs run in order, at a lower priority than the caller's, and
/// the jobs queued before a stop still run.
@Suite struct WriterThreadTests {
    @Test func runsJobsInOrderAtALowerPriority() {
        let callerBefore = WriterThread.currentNiceness()
        let thread = WriterThread(name: "test.writer")
        defer { thread.stop() }
        let seen = Mutex<[Int]>([])
        let niceness = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        for index in 0..<50 {
            thread.async {
                seen.withLock { $0.append(index) }
                if index == 0 { niceness.withLock { $0 = WriterThread.currentNiceness() } }
            }
        }
        thread.async { done.signal() }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(seen.withLock { $0 } == Array(0..<50))
        #expect(niceness.withLock { $0 } == max(callerBefore, WriterThread.niceness))
        // The caller's own priority is untouched: the nice value is the writer thread's alone.
        #expect(WriterThread.currentNiceness() == callerBefore)
    }

    @Test func jobsQueuedBeforeTheStopStillRunAndLaterOnesRunInline() {
        let thread = WriterThread(name: "test.writer.stop")
        let gate = DispatchSemaphore(value: 0)
        let ran = Mutex<[String]>([])
        let finished = DispatchSemaphore(value: 0)
        thread.async { gate.wait() }  // holds the thread while the rest is queued
        thread.async { ran.withLock { $0.append("queued") } ; finished.signal() }
        thread.stop()
        gate.signal()
        #expect(finished.wait(timeout: .now() + 10) == .success)
        thread.async { ran.withLock { $0.append("after stop") } }
        #expect(ran.withLock { $0 } == ["queued", "after stop"])
    }
}
