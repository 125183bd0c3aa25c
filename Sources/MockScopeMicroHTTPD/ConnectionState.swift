import MockScopeHTTPTypes
/// What the HTTP layer keeps for one request while libmicrohttpd works on it. Created on the
/// first call of the access handler and released in the completion callback; only ever touched
/// by the libmicrohttpd thread that owns the connection.
final class RequestContext {
    /// Header fields, read once when the head is complete.
    var headers = HeaderFields()
    var body: [UInt8] = []
    var bodyTooLarge = false
    var request: HTTPRequest?
    /// When the request was received, on the scheduler's clock: what its waits are timed from.
    var startedAt: UInt64 = 0
    var response: HTTPResponse?
    var stream: StreamContext?
    var live: LiveResponse?
    var queued = false
    /// This side closed the connection on purpose (a hang that reached its deadline).
    var closedOnPurpose = false
}

/// What the body reader needs to answer one streamed response. Lives from the response's
/// creation to libmicrohttpd's free callback; read and written only by the connection's thread.
final class StreamContext {
    let chunks: [TimedChunk]
    let ending: StreamEnding
    let startedAt: UInt64
    let fd: Int32

    private(set) var nextChunk = 0
    private var offsetInChunk = 0
    private(set) var bytesSent = 0
    private var stallDeadline: UInt64?
    /// True once this side chose to end the stream abnormally (drop, reset, stall timeout).
    private(set) var endedOnPurpose = false

    /// The server is stopping: the stream ends here, and that is not the client's doing.
    func endForShutdown() { endedOnPurpose = true }

    init(chunks: [TimedChunk], ending: StreamEnding, startedAt: UInt64, fd: Int32) {
        self.chunks = chunks
        self.ending = ending
        self.startedAt = startedAt
        self.fd = fd
    }

    enum Step: Equatable {
        case wrote(Int)
        /// Nothing is due: suspend until this time (on the scheduler's clock).
        case wait(until: UInt64)
        /// A stall: suspend until this time or until the peer goes (resets; or half-closes, when
        /// `halfCloseEnds`: a stall without ms lasts until the client gives up).
        case watch(until: UInt64, halfCloseEnds: Bool)
        case finish
        case abort(reset: Bool)
    }

    /// Copies every chunk that is due into `buffer`; says what to do when nothing is.
    /// `peerGone(halfCloseEnds)` looks at the peer (a reset; or a half-close too, when asked).
    func fill(_ buffer: UnsafeMutableRawBufferPointer, now: UInt64, peerGone: (Bool) -> Bool) -> Step {
        var written = 0
        while nextChunk < chunks.count, written < buffer.count {
            let chunk = chunks[nextChunk]
            if offsetInChunk == 0, startedAt &+ chunk.offsetNanos > now { break }
            let remaining = chunk.bytes.count - offsetInChunk
            let n = min(remaining, buffer.count - written)
            chunk.bytes.withUnsafeBytes { source in
                let from = UnsafeRawBufferPointer(rebasing: source[offsetInChunk ..< offsetInChunk + n])
                UnsafeMutableRawBufferPointer(rebasing: buffer[written ..< written + n]).copyMemory(from: from)
            }
            written += n
            offsetInChunk += n
            if offsetInChunk == chunk.bytes.count {
                nextChunk += 1
                offsetInChunk = 0
            }
        }
        if written > 0 {
            bytesSent += written
            return .wrote(written)
        }
        if nextChunk < chunks.count {
            return .wait(until: startedAt &+ chunks[nextChunk].offsetNanos)
        }
        switch ending {
        case .complete:
            return .finish
        case .drop:
            endedOnPurpose = true
            return .abort(reset: false)
        case .reset:
            endedOnPurpose = true
            return .abort(reset: true)
        case .stall(let nanos):
            if stallDeadline == nil { stallDeadline = nanos.map { now &+ $0 } ?? UInt64.max }
            let deadline = stallDeadline!
            if now >= deadline {
                endedOnPurpose = true
                return .abort(reset: false)
            }
            // Only a stall without ms ends on the client's FIN (it gave up waiting); a timed one
            // keeps a half-closed client until its end, which it then sees.
            let untilTheClientLeaves = nanos == nil
            if peerGone(untilTheClientLeaves) { return .abort(reset: false) }
            return .watch(until: deadline, halfCloseEnds: untilTheClientLeaves)
        }
    }
}
