import Foundation

/// DashScope's framing of Responses API stream events (docs/protocol-notes.md, responses §5): an
/// `id:` counter from 1, `event:<type>`, the `:HTTP_STATUS/<status>` comment and `data:` without a
/// space, then exactly one blank line (a second one breaks the openai SDK's decoder). No `[DONE]`.
enum ResponsesEventFrame {
    /// Event number `number` (its `sequence_number` is `number - 1`) of type `type` with `json` as its data.
    static func frame(number: Int, type: String, json: String, status: Int = 200) -> String {
        "id:\(number)\nevent:\(type)\n:HTTP_STATUS/\(status)\ndata:" + json + "\n\n"
    }

    /// The `type` a frame's `event:` line names (nil: none).
    static func type(of event: String) -> String? {
        for line in event.split(separator: "\n") where line.hasPrefix("event:") {
            return String(line.dropFirst("event:".count))
        }
        return nil
    }

    /// `data` with its top-level `"sequence_number":N` (the last one in the text: nested objects
    /// carry none) set to `sequence`; unchanged when it has none.
    static func renumbering(_ data: String, sequence: Int) -> String {
        guard let key = data.range(of: "\"sequence_number\":", options: .backwards) else { return data }
        var end = key.upperBound
        while end < data.endIndex, data[end].isNumber { end = data.index(after: end) }
        return data[..<key.upperBound] + String(sequence) + data[end...]
    }
}
