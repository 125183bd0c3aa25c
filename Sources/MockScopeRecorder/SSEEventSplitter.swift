/// Splits a `text/event-stream` body, as it arrives in arbitrary chunks, into its events: each
/// event is every byte up to and including the blank line that ends it (`\n\n`, `\r\n\r\n`, `\r\r`
/// or any mix), so that the events put back together are exactly the bytes that arrived.
///
/// A lone `\r` at the end of a chunk is ambiguous (a line end of its own, or the first half of
/// `\r\n`): the splitter waits for the next byte before deciding.
public struct SSEEventSplitter: Sendable {
    /// Bytes of the event being read (an event's start is always at index 0).
    private var buffer: [UInt8] = []
    /// Where the current line starts.
    private var lineStart = 0
    /// The next byte to examine.
    private var scan = 0

    public init() {}

    /// Adds the bytes of one chunk; returns the events it completed, in order.
    public mutating func feed(_ chunk: some Sequence<UInt8>) -> [[UInt8]] {
        buffer.append(contentsOf: chunk)
        var events: [[UInt8]] = []
        var eventStart = 0
        while scan < buffer.count {
            let byte = buffer[scan]
            var lineEnd: Int?
            if byte == 10 {
                lineEnd = scan + 1
            } else if byte == 13 {
                guard scan + 1 < buffer.count else { break }  // \r at the end: wait for the next byte
                lineEnd = buffer[scan + 1] == 10 ? scan + 2 : scan + 1
            }
            guard let end = lineEnd else {
                scan += 1
                continue
            }
            let blank = scan == lineStart
            scan = end
            lineStart = end
            if blank {
                events.append(Array(buffer[eventStart..<end]))
                eventStart = end
            }
        }
        if eventStart > 0 {
            buffer.removeFirst(eventStart)
            scan -= eventStart
            lineStart -= eventStart
        }
        return events
    }

    /// The body ended: what is left (an event without its closing blank line), if anything.
    public mutating func finish() -> [UInt8]? {
        defer {
            buffer = []
            scan = 0
            lineStart = 0
        }
        return buffer.isEmpty ? nil : buffer
    }

    /// Bytes received that no event has taken yet.
    public var pendingCount: Int { buffer.count }
}
