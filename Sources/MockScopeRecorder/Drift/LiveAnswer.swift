import Dispatch
import MockScope
import MockScopeHTTPTypes
import Synchronization

/// Collects one upstream answer whole (its events timed from the request), for a drift check:
/// `wait` blocks the calling thread (the CLI's, never an event loop) until it is complete.
final class LiveAnswer: UpstreamSink {
    struct Collected: Sendable {
        var status = 0
        var headers = HeaderFields()
        var isStream = false
        var whole: [UInt8] = []
        var events: [PlannedEvent] = []
        var failure: String?

        var body: PlannedBody { isStream ? .events(events) : .whole(whole) }
    }

    private let started: UInt64
    private let state = Mutex<(collected: Collected, splitter: SSEEventSplitter)>((Collected(), SSEEventSplitter()))
    private let done = DispatchSemaphore(value: 0)

    init(startedAt: UInt64) { started = startedAt }

    func wait() -> Collected {
        done.wait()
        return state.withLock { $0.collected }
    }

    func upstreamHead(status: Int, headers: HeaderFields) {
        state.withLock { state in
            state.collected.status = status
            state.collected.headers = headers
            state.collected.isStream = headers["content-type"]?.lowercased().contains("text/event-stream") ?? false
        }
    }

    func upstreamBody(_ bytes: [UInt8], resume: @escaping @Sendable () -> Void) -> Bool {
        let at = Recorder.millis(from: started, to: MonotonicClock.now())
        state.withLock { state in
            if state.collected.isStream {
                for event in state.splitter.feed(bytes) { state.collected.events.append(PlannedEvent(atMs: at, bytes: event)) }
            } else {
                state.collected.whole += bytes
            }
        }
        return true
    }

    func upstreamEnd() {
        let at = Recorder.millis(from: started, to: MonotonicClock.now())
        state.withLock { state in
            if state.collected.isStream, let rest = state.splitter.finish() {
                state.collected.events.append(PlannedEvent(atMs: at, bytes: rest))
            }
        }
        done.signal()
    }

    func upstreamFailed(_ error: any Error) {
        state.withLock { $0.collected.failure = "\(error)" }
        done.signal()
    }
}
