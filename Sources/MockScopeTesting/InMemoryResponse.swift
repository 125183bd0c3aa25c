import MockScopeHTTPTypes

/// What the pipeline answered a request handed to it in memory (`TestServer.respond(to:)`).
public struct InMemoryResponse: Sendable {
    public var status: Int
    public var headers: HeaderFields
    /// The whole body: a stream's chunks joined.
    public var body: [UInt8]
    /// A stream's chunks with their offsets from the request, as the HTTP layer would send them
    /// (empty for a whole body).
    public var chunks: [TimedChunk]
    /// How a stream ends (a whole body ends normally).
    public var ending: StreamEnding
    /// A stream's bandwidth (`slow_chunks bytes_per_second`): the HTTP layer would send its chunks'
    /// bytes at this rate (nil: as they fall due).
    public var bytesPerSecond: Int? = nil
    /// The answer would never come (a `hang` fault).
    public var hangs: Bool

    public var text: String { String(decoding: body, as: UTF8.self) }
}
