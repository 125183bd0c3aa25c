import MockScopeHTTPTypes

/// What a fault does to a forwarded answer on its way to the client (record modes): the client's
/// copy is cut, given an extra frame, or has one event rewritten, while the recorder still reads
/// and records the upstream's own bytes. Faults add these to a plan whose forward has not started
/// (`ResponsePlan.liveEffects`).
public struct LiveEffect: Sendable {
    public enum Unit: Sendable, Equatable {
        case events
        case bytes
    }

    public enum Action: Sendable {
        /// Nothing after the cut; then the connection ends this way (`stall`, `drop`, `reset`).
        case end(StreamEnding)
        /// This frame after the cut, then the normal end (`stream_error`); `replacesDone`: a done
        /// marker before it is left out (compatible mode sends no `[DONE]` after an error).
        case insert(String, replacesDone: Bool)
        /// The event at the cut rewritten (`malformed_chunk`); the rest go on.
        case rewrite(@Sendable (String) -> String)
        /// The whole answer rewritten (the misbehaviour faults, `AnswerFault`): the client's copy
        /// is held until the upstream's answer ends, then this plan of it (status, headers, body
        /// whole or as events) is rewritten and sent; effects after it act on the rewritten copy.
        case rewriteAnswer(@Sendable (ResponsePlan) -> ResponsePlan)
    }

    /// Events (a stream's) or bytes (any body) the client gets before the effect.
    public var unit: Unit
    public var count: Int
    public var action: Action

    public init(unit: Unit, count: Int, action: Action) {
        self.unit = unit
        self.count = count
        self.action = action
    }
}
