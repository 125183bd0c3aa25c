/// How a streamed body ends once its chunks are sent.
public enum StreamEnding: Sendable, Equatable {
    /// The terminating chunk: a normal end.
    case complete
    /// Close the connection without the terminating chunk.
    case drop
    /// Close with a TCP reset.
    case reset
    /// Send nothing more and keep the connection open for `nanos` (nil: until the client leaves),
    /// then close without the terminating chunk.
    case stall(nanos: UInt64?)
}
