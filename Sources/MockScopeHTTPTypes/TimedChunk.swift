/// One piece of a streamed body, due `offsetNanos` after the request was received.
public struct TimedChunk: Sendable, Equatable {
    public var offsetNanos: UInt64
    public var bytes: [UInt8]
    public init(offsetNanos: UInt64, bytes: [UInt8]) {
        self.offsetNanos = offsetNanos
        self.bytes = bytes
    }
}
