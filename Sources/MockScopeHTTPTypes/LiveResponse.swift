import Synchronization

/// A response whose status, headers and body arrive later — from an upstream being proxied.
/// A producer (any thread) calls `sendHead`, `send` and `finish`/`fail`; the HTTP layer reads it
/// on the connection's thread, suspending the connection while nothing is there and being resumed
/// by the producer's next call. Nothing is buffered beyond what the client has not read yet, and
/// a producer that sends with a `limit` is told to pause while that is over the limit
/// (backpressure: a client that does not read holds at most about `limit` bytes here).
public final class LiveResponse: Sendable {
    public enum Ending: Sendable, Equatable {
        case complete
        /// Close without the terminating chunk (the upstream failed mid-way).
        case abort
    }

    private struct State {
        var head: (status: Int, headers: HeaderFields)?
        var pending: [[UInt8]] = []
        var offset = 0
        var ending: Ending?
        /// Resumes the suspended connection; present only while it is suspended.
        var waiter: (@Sendable () -> Void)?
        var clientGone = false
        var onClientGone: (@Sendable () -> Void)?
        var bytesSent = 0
        /// Bytes in `pending` not yet read by the HTTP layer.
        var queued = 0
        var peakQueued = 0
        /// A paused producer's resumption: called once the queue is down to `resumeAt`, or the
        /// exchange is over.
        var producer: (@Sendable () -> Void)?
        var resumeAt = 0

        /// Takes the paused producer's resumption when the exchange can take no more bytes.
        mutating func producerIfOver() -> (@Sendable () -> Void)? {
            guard ending != nil || clientGone else { return nil }
            defer { producer = nil }
            return producer
        }

        mutating func enqueue(_ bytes: [UInt8]) {
            pending.append(bytes)
            queued += bytes.count
            peakQueued = max(peakQueued, queued)
        }
    }

    private let state = Mutex(State())

    public init() {}

    deinit {
        // Never leave a paused producer waiting (an upstream read, a promise).
        state.withLock { $0.producer }?()
    }

    // MARK: producer

    public func sendHead(status: Int, headers: HeaderFields) {
        wake { $0.head = (status, headers) }
    }

    public func send(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        wake { $0.enqueue(bytes) }
    }

    /// Sends bytes and says whether the producer may go on: false when the client's queue (bytes
    /// sent and not yet taken by the HTTP layer) is over `limit` — then `resume` is called once,
    /// when the queue is down to half the limit or the exchange is over (finished, failed, client
    /// gone, server stopping). True: `resume` is never called.
    public func send(_ bytes: [UInt8], limit: Int, resume: @escaping @Sendable () -> Void) -> Bool {
        var goOn = true
        wake { state in
            if !bytes.isEmpty { state.enqueue(bytes) }
            if state.queued > limit, state.ending == nil, !state.clientGone {
                state.producer = resume
                state.resumeAt = limit / 2
                goOn = false
            }
        }
        return goOn
    }

    /// Bytes sent by the producer and not yet taken by the HTTP layer.
    public var queuedBytes: Int { state.withLock { $0.queued } }
    /// The most `queuedBytes` has been.
    public var peakQueuedBytes: Int { state.withLock { $0.peakQueued } }

    /// The body is complete.
    public func finish() { wake { if $0.ending == nil { $0.ending = .complete } } }

    /// The upstream failed: close the client's connection without a normal end. If no head was
    /// sent yet, the client gets `status` with `body` instead.
    public func fail(status: Int = 502, headers: HeaderFields = HeaderFields(), body: [UInt8] = []) {
        wake { state in
            if state.head == nil {
                state.head = (status, headers)
                if !body.isEmpty { state.enqueue(body) }
                state.ending = .complete
            } else if state.ending == nil {
                state.ending = .abort
            }
        }
    }

    /// True once the client has gone away (the producer should stop).
    public var clientGone: Bool { state.withLock { $0.clientGone } }

    /// Called once when the client goes away before the end.
    public func onClientGone(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.clientGone { return true }
            state.onClientGone = action
            return false
        }
        if now { action() }
    }

    private func wake(_ change: (inout State) -> Void) {
        let (waiter, producer) = state.withLock { state -> ((@Sendable () -> Void)?, (@Sendable () -> Void)?) in
            change(&state)
            defer { state.waiter = nil }
            return (state.waiter, state.producerIfOver())
        }
        waiter?()
        producer?()
    }

    // MARK: consumer (the HTTP layer, on the connection's thread)

    package enum HeadStep {
        case ready(status: Int, headers: HeaderFields)
        case wait
    }

    /// The head, or `.wait` after `suspend` ran and `resume` was registered.
    package func head(suspend: () -> Void, resume: @escaping @Sendable () -> Void) -> HeadStep {
        state.withLock { state in
            if let head = state.head { return .ready(status: head.status, headers: head.headers) }
            suspend()
            state.waiter = resume
            return .wait
        }
    }

    package enum BodyStep: Equatable {
        case wrote(Int)
        case wait
        case finish
        case abort
    }

    /// Copies what is pending into `buffer`, or suspends until there is more.
    package func fill(_ buffer: UnsafeMutableRawBufferPointer, suspend: () -> Void, resume: @escaping @Sendable () -> Void) -> BodyStep {
        let (step, producer) = state.withLock { state -> (BodyStep, (@Sendable () -> Void)?) in
            let step = take(into: buffer, &state, suspend: suspend, resume: resume)
            guard state.producer != nil, state.queued <= state.resumeAt || state.ending != nil || state.clientGone else { return (step, nil) }
            defer { state.producer = nil }
            return (step, state.producer)
        }
        producer?()
        return step
    }

    private func take(into buffer: UnsafeMutableRawBufferPointer, _ state: inout State, suspend: () -> Void,
                      resume: @escaping @Sendable () -> Void) -> BodyStep {
        do {
            var written = 0
            while written < buffer.count, !state.pending.isEmpty {
                let chunk = state.pending[0]
                let n = min(chunk.count - state.offset, buffer.count - written)
                chunk.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: buffer[written ..< written + n])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[state.offset ..< state.offset + n]))
                }
                written += n
                state.offset += n
                if state.offset == chunk.count {
                    state.pending.removeFirst()
                    state.offset = 0
                }
            }
            if written > 0 {
                state.bytesSent += written
                state.queued -= written
                return .wrote(written)
            }
            switch state.ending {
            case .complete?: return .finish
            case .abort?: return .abort
            case nil:
                suspend()
                state.waiter = resume
                return .wait
            }
        }
    }

    package var bytesSent: Int { state.withLock { $0.bytesSent } }
    /// True while the connection is suspended waiting for the producer (for tests: a head or
    /// chunk sent now reaches a parked connection).
    package var connectionIsWaiting: Bool { state.withLock { $0.waiter != nil } }
    package var status: Int? { state.withLock { $0.head?.status } }

    /// The exchange is over; `clientWentAway` when it ended early on the client's side.
    package func closed(clientWentAway: Bool) {
        let (action, producer) = state.withLock { state -> ((@Sendable () -> Void)?, (@Sendable () -> Void)?) in
            state.waiter = nil
            // Nobody reads any more: a paused producer goes on (to its end or its cancellation).
            let producer = state.producer
            state.producer = nil
            guard clientWentAway, state.ending == nil || state.ending == .abort, !state.clientGone else { return (nil, producer) }
            state.clientGone = true
            defer { state.onClientGone = nil }
            return (state.onClientGone, producer)
        }
        producer?()
        action?()
    }

    /// Server shutdown: end the exchange and resume a suspended connection.
    package func shutdown() {
        wake { state in
            if state.head == nil { state.head = (503, HeaderFields()) }
            if state.ending == nil { state.ending = .abort }
        }
    }
}
