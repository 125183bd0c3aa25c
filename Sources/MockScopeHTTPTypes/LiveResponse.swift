import Synchronization

/// A response whose status, headers and body arrive later — from an upstream being proxied.
/// A producer (any thread) calls `sendHead`, `send` and `finish`/`fail`; the HTTP layer reads it
/// on the connection's thread, suspending the connection while nothing is there and being resumed
/// by the producer's next call. Nothing is buffered beyond what the client has not read yet.
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
    }

    private let state = Mutex(State())

    public init() {}

    // MARK: producer

    public func sendHead(status: Int, headers: HeaderFields) {
        wake { $0.head = (status, headers) }
    }

    public func send(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        wake { $0.pending.append(bytes) }
    }

    /// The body is complete.
    public func finish() { wake { if $0.ending == nil { $0.ending = .complete } } }

    /// The upstream failed: close the client's connection without a normal end. If no head was
    /// sent yet, the client gets `status` with `body` instead.
    public func fail(status: Int = 502, headers: HeaderFields = HeaderFields(), body: [UInt8] = []) {
        wake { state in
            if state.head == nil {
                state.head = (status, headers)
                if !body.isEmpty { state.pending.append(body) }
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
        let waiter = state.withLock { state -> (@Sendable () -> Void)? in
            change(&state)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?()
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
        state.withLock { state in
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
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            state.waiter = nil
            guard clientWentAway, state.ending == nil || state.ending == .abort, !state.clientGone else { return nil }
            state.clientGone = true
            defer { state.onClientGone = nil }
            return state.onClientGone
        }
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
