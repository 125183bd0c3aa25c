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
    /// The final call has once returned without suspending, so libmicrohttpd has left its read
    /// state (see `CallbackSeam`'s "wait before the status line").
    var leftReadState = false
}

/// What the body reader needs to answer one streamed response. Lives from the response's
/// creation to libmicrohttpd's free callback; read and written only by the connection's thread.
final class StreamContext {
    let chunks: [TimedChunk]
    let ending: StreamEnding
    let startedAt: UInt64
    let fd: Int32
    /// Paced (`HTTPResponse.bytesPerSecond`): the rate, and the granule the bytes go in (a
    /// hundredth of a second's worth, at least one byte), so a wake-up comes about every 10 ms
    /// (at 1 B/s, once a second) however small the rate makes each byte's share of time.
    private let rate: UInt64?
    private let granule: UInt64
    /// Paced: when the current chunk's first byte was due (set when it is reached), and when
    /// the previous chunk's last byte went out at the rate.
    private var chunkStart: UInt64?
    private var linkFreeAt: UInt64 = 0

    private(set) var nextChunk = 0
    private var offsetInChunk = 0
    private(set) var bytesSent = 0
    private var stallDeadline: UInt64?
    /// True once this side chose to end the stream abnormally (drop, reset, stall timeout).
    private(set) var endedOnPurpose = false

    /// The server is stopping: the stream ends here, and that is not the client's doing.
    func endForShutdown() { endedOnPurpose = true }

    init(chunks: [TimedChunk], ending: StreamEnding, startedAt: UInt64, fd: Int32, bytesPerSecond: Int? = nil) {
        self.chunks = chunks
        self.ending = ending
        self.startedAt = startedAt
        self.fd = fd
        let rate = bytesPerSecond.map { UInt64(max(1, $0)) }
        self.rate = rate
        self.granule = max(1, (rate ?? 0) / 100)
    }

    static let nanosPerSecond: UInt64 = 1_000_000_000

    /// ceil(bytes / rate) seconds in ns (saturating).
    static func pacedNanos(_ bytes: UInt64, rate: UInt64) -> UInt64 {
        let product = bytes.multipliedFullWidth(by: nanosPerSecond)
        guard product.high < rate else { return .max }
        let (quotient, remainder) = rate.dividingFullWidth(product)
        return remainder > 0 ? quotient + 1 : quotient
    }

    /// How many bytes of a paced chunk are due `elapsed` ns after its start: every granule whose
    /// first byte's time (`pacedNanos`) has come.
    static func pacedAllowance(elapsed: UInt64, rate: UInt64, granule: UInt64) -> UInt64 {
        let product = elapsed.multipliedFullWidth(by: rate)
        let divisor = granule.multipliedReportingOverflow(by: nanosPerSecond)
        guard !divisor.overflow, product.high < divisor.partialValue else { return .max }
        let granules = divisor.partialValue.dividingFullWidth(product).quotient
        let (bytes, overflow) = (granules + 1).multipliedReportingOverflow(by: granule)
        return overflow ? .max : bytes
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
        var nextDue: UInt64 = 0
        while nextChunk < chunks.count, written < buffer.count {
            let chunk = chunks[nextChunk]
            var available = chunk.bytes.count
            if let rate {
                // Paced: the chunk starts when due and once the previous one is out; then its
                // bytes are due granule by granule.
                if chunkStart == nil {
                    let start = max(startedAt &+ chunk.offsetNanos, linkFreeAt)
                    if start > now { nextDue = start; break }
                    chunkStart = start
                    let (end, overflow) = start.addingReportingOverflow(Self.pacedNanos(UInt64(chunk.bytes.count), rate: rate))
                    linkFreeAt = overflow ? .max : end
                }
                let start = chunkStart!
                let allowed = Self.pacedAllowance(elapsed: now - start, rate: rate, granule: granule)
                available = Int(min(UInt64(chunk.bytes.count), allowed))
                if available <= offsetInChunk, offsetInChunk < chunk.bytes.count {
                    let nextGranule = UInt64(offsetInChunk) / granule * granule
                    let (due, overflow) = start.addingReportingOverflow(Self.pacedNanos(nextGranule, rate: rate))
                    nextDue = overflow ? .max : due
                    break
                }
            } else if offsetInChunk == 0, startedAt &+ chunk.offsetNanos > now {
                nextDue = startedAt &+ chunk.offsetNanos
                break
            }
            let n = min(available - offsetInChunk, buffer.count - written)
            chunk.bytes.withUnsafeBytes { source in
                let from = UnsafeRawBufferPointer(rebasing: source[offsetInChunk ..< offsetInChunk + n])
                UnsafeMutableRawBufferPointer(rebasing: buffer[written ..< written + n]).copyMemory(from: from)
            }
            written += n
            offsetInChunk += n
            if offsetInChunk == chunk.bytes.count {
                nextChunk += 1
                offsetInChunk = 0
                chunkStart = nil
            }
        }
        if written > 0 {
            bytesSent += written
            return .wrote(written)
        }
        if nextChunk < chunks.count {
            return .wait(until: nextDue)
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
