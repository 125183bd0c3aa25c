import MockScope
import MockScopeHTTPTypes

/// The client's copy of a forwarded answer under faults' `LiveEffect`s: what of each piece of the
/// upstream's answer the client gets, and how its copy ends. The recorder records the upstream's
/// pieces as they are; only this copy changes. Mirrors what the same faults do to a planned answer
/// (docs/faults.md): an effect whose cut is past the answer's end acts at the end.
struct ClientCopy: Sendable {
    /// How the client's copy ends early.
    enum Ending: Sendable, Equatable {
        /// The terminating chunk (after an inserted error frame).
        case complete
        /// Nothing more; the connection stays open for `nanos` (nil: until the client leaves), then closes.
        case stall(nanos: UInt64?)
        /// Closed without the terminating chunk (`drop`; `reset` too: a forwarded answer cannot be reset).
        case abort
    }

    private var pending: [LiveEffect]
    private var eventsSent = 0
    private var bytesSent = 0
    /// Set once the copy has ended.
    private(set) var ending: Ending?
    /// Whether any effect has acted (the copy differs from the upstream's answer).
    private(set) var changed = false

    /// A misbehaviour fault's rewrite of the whole answer, and the upstream's pieces held for it
    /// (nil once rewritten, or when there is none).
    private var rewriteAnswer: (@Sendable (ResponsePlan) -> ResponsePlan)?
    private var held: [[UInt8]] = []

    init(effects: [LiveEffect]) {
        var rest: [LiveEffect] = []
        var rewrites: [@Sendable (ResponsePlan) -> ResponsePlan] = []
        for effect in effects {
            if case .rewriteAnswer(let rewrite) = effect.action { rewrites.append(rewrite) } else { rest.append(effect) }
        }
        pending = rest
        if !rewrites.isEmpty {
            let all = rewrites
            rewriteAnswer = { plan in all.reduce(plan) { $1($0) } }
        }
    }

    var isEmpty: Bool { pending.isEmpty && !changed && rewriteAnswer == nil }

    /// What the client gets for one event of a stream.
    mutating func pass(event: [UInt8]) -> [UInt8] {
        guard ending == nil else { return [] }
        if rewriteAnswer != nil {
            held.append(event)
            return []
        }
        var event = event
        var out: [UInt8] = []
        // A done marker waits when an error frame is still to come in its place.
        if Self.isDone(event), pending.contains(where: { if case .insert(_, true) = $0.action { true } else { false } }) {
            changed = true
            return []
        }
        while let index = pending.firstIndex(where: { $0.unit == .events && $0.count <= eventsSent }) {
            let effect = pending.remove(at: index)
            changed = true
            switch effect.action {
            case .end(let streamEnding):
                ending = Self.ending(streamEnding)
                return out
            case .insert(let frame, _):
                out += Array(frame.utf8)
                ending = .complete
                return out
            case .rewrite(let rewrite):
                event = Array(rewrite(String(decoding: event, as: UTF8.self)).utf8)
            case .rewriteAnswer:
                break  // taken out at the start (`rewriteAnswer`)
            }
        }
        out += cutBytes(event)
        if ending == nil { eventsSent += 1 }
        return out
    }

    /// What the client gets for one piece of a whole (non-stream) body: only byte cuts and
    /// `after_events=0` ends act on it (as on a planned whole answer).
    mutating func pass(piece: [UInt8]) -> [UInt8] {
        guard ending == nil else { return [] }
        if rewriteAnswer != nil {
            held.append(piece)
            return []
        }
        if let index = pending.firstIndex(where: { $0.unit == .events && $0.count == 0 }), case .end(let streamEnding) = pending[index].action {
            pending.remove(at: index)
            changed = true
            ending = Self.ending(streamEnding)
            return []
        }
        return cutBytes(piece)
    }

    /// The upstream's answer is over: a held answer is rewritten and passed on, then effects never
    /// reached act (an error frame at the end, a stall or drop after everything). Returns the last
    /// bytes for the client.
    mutating func finish(isStream: Bool, status: Int, headers: HeaderFields) -> [UInt8] {
        guard ending == nil else { return [] }
        var out: [UInt8] = []
        if let rewrite = rewriteAnswer {
            rewriteAnswer = nil
            let pieces = held
            held = []
            let body: PlannedBody = isStream ? .events(pieces.map { PlannedEvent(atMs: 0, bytes: $0) }) : .whole(pieces.flatMap { $0 })
            let rewritten = rewrite(ResponsePlan(status: status, headers: headers, body: body))
            changed = true
            switch rewritten.body {
            case .events(let events): for event in events { out += pass(event: event.bytes) }
            case .whole(let bytes): out += pass(piece: bytes)
            case .live: break
            }
            guard ending == nil else { return out }
        }
        return out + finishEffects(isStream: isStream)
    }

    private mutating func finishEffects(isStream: Bool) -> [UInt8] {
        for effect in pending {
            switch effect.action {
            case .end(let streamEnding):
                changed = true
                ending = Self.ending(streamEnding)
                return []
            case .insert(let frame, _) where isStream:
                changed = true
                ending = .complete
                return Array(frame.utf8)
            default:
                continue
            }
        }
        return []
    }

    private mutating func cutBytes(_ bytes: [UInt8]) -> [UInt8] {
        guard let index = pending.firstIndex(where: { $0.unit == .bytes }), case .end(let streamEnding) = pending[index].action else {
            bytesSent += bytes.count
            return bytes
        }
        let room = max(0, pending[index].count - bytesSent)
        if bytes.count <= room {
            bytesSent += bytes.count
            return bytes
        }
        pending.remove(at: index)
        changed = true
        ending = Self.ending(streamEnding)
        bytesSent += room
        return Array(bytes.prefix(room))
    }

    private static func ending(_ ending: StreamEnding) -> Ending {
        switch ending {
        case .complete: .complete
        case .stall(let nanos): .stall(nanos: nanos)
        case .drop, .reset: .abort
        }
    }

    static func isDone(_ event: [UInt8]) -> Bool {
        let text = String(decoding: event, as: UTF8.self)
        return text.contains("data: [DONE]") || text.contains("data:[DONE]")
    }
}
