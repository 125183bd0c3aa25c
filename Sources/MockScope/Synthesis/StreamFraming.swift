/// Event framing and timing shared by the synthesized streams.
enum StreamFraming {
    /// When the first event is due, in ms from the request.
    static let firstEventMs = 300.0
    /// The gap between events, in ms.
    static let intervalMs = 30.0

    static let eventStreamContentType = "text/event-stream;charset=UTF-8"
    static let jsonContentType = "application/json"

    /// OpenAI-compatible: `data: <json>` and a blank line (a space after the colon), written by
    /// `CompatibleRenderer.chunkEvent`; the last event is this one.
    static let compatibleDone = "data: [DONE]\n\n"

    /// Anthropic-compatible: the named `event:` line, then `data: <json>` and a blank line (the
    /// anthropic SDK skips an event without its `event:` line, anthropic §6).
    static func anthropic(event: String, _ json: String) -> String { "event: " + event + "\ndata: " + json + "\n\n" }

    /// Native: `id:`, `event:result`, the status comment and `data:` (no spaces), then a blank line.
    static func native(id: Int, _ json: String) -> String {
        "id:\(id)\nevent:result\n:HTTP_STATUS/200\ndata:" + json + "\n\n"
    }

    /// The events at 300 ms, 330 ms, 360 ms, ...
    static func timed(_ events: [String]) -> [PlannedEvent] { timed(events.map { Array($0.utf8) }) }

    static func timed(_ events: [[UInt8]]) -> [PlannedEvent] {
        events.enumerated().map { PlannedEvent(atMs: firstEventMs + intervalMs * Double($0.offset), bytes: $0.element) }
    }
}
