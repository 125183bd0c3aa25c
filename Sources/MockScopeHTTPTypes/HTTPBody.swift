/// The body of a response.
public enum HTTPBody: Sendable {
    case bytes([UInt8])
    case stream([TimedChunk], ending: StreamEnding)
    /// Status, headers and body supplied later by a producer (the response's own status and
    /// headers are ignored).
    case live(LiveResponse)
    /// A whole answer already in the HTTP layer's own form (`AnswerPreparer`), shared by every
    /// request that gets it.
    case prepared(any PreparedAnswer)
}
