/// `malformed_chunk after_events=N [mode=not_json|truncated|no_terminator]`: event N+1 (index N) of
/// a streamed answer is replaced by a broken one; the rest of the stream follows. When the stream
/// has no such event, the broken one is added at the last event's time, made from the last
/// event that is not `[DONE]` (renumbered for native), or from a minimal chunk. A whole answer is
/// left unchanged.
///
/// - `not_json` (default): compatible `data: <html><body>502 Bad Gateway</body></html>`; native:
///   the event's own `id:`/`event:`/`:HTTP_STATUS/` lines with that HTML as its `data:`.
/// - `truncated`: the event's `data:` payload cut to half its UTF-8 length (at a character
///   boundary, so the bytes stay valid UTF-8), framing and blank line kept.
/// - `no_terminator`: the event without its final blank line, so it merges with the next one.
public struct MalformedChunkFault: Fault {
    public static let kind = "malformed_chunk"
    public static let parameterNames: Set<String> = ["after_events", "mode"]

    public enum Mode: String, Sendable, CaseIterable {
        case notJSON = "not_json"
        case truncated
        case noTerminator = "no_terminator"
    }

    public var afterEvents: Int
    public var mode: Mode

    static let notJSONPayload = "<html><body>502 Bad Gateway</body></html>"

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        guard let after = try parameters.int("after_events") else {
            throw .missingParameter(kind: Self.kind, expected: "after_events=N (the event after the first N is broken)")
        }
        afterEvents = after
        mode = try parameters.choice("mode", Mode.allCases.map(\.rawValue)).flatMap(Mode.init(rawValue:)) ?? .notJSON
    }

    public var description: String { "\(Self.kind) after_events=\(afterEvents) mode=\(mode.rawValue)" }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        guard !PlanCutting.isLive(plan) else { return }
        guard case .events(var events) = plan.body else { return }
        let api = context.api ?? .compatible
        if afterEvents < events.count {
            events[afterEvents].bytes = Array(broken(String(decoding: events[afterEvents].bytes, as: UTF8.self), api: api).utf8)
        } else {
            let template = events.last(where: { !Self.isDone($0.bytes) }).map { String(decoding: $0.bytes, as: UTF8.self) }
            var text = template ?? Self.minimalEvent(api: api, requestID: context.requestID)
            if api == .native { text = Self.replacingLine(in: text, prefix: "id:", with: "id:\(events.count + 1)") }
            events.append(PlannedEvent(atMs: events.last?.atMs ?? 0, text: broken(text, api: api)))
        }
        plan.body = .events(events)
    }

    /// `event` broken according to the mode.
    func broken(_ event: String, api: APIProtocol) -> String {
        switch mode {
        case .notJSON:
            if api == .compatible { return "data: " + Self.notJSONPayload + "\n\n" }
            if Self.dataLine(of: event) == nil { return Self.minimalEvent(api: .native, requestID: "", payload: Self.notJSONPayload) }
            return Self.replacingData(of: event) { _ in Self.notJSONPayload }
        case .truncated:
            return Self.replacingData(of: event) { Self.firstHalf(of: $0) }
        case .noTerminator:
            return event.hasSuffix("\n\n") ? String(event.dropLast()) : event
        }
    }

    /// True for the compatible-mode terminator `data: [DONE]`.
    static func isDone(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes, as: UTF8.self).trimmingSpaces == "data: [DONE]"
    }

    /// The index of the `data:` line among the event's lines, and its prefix (`data:` or `data: `).
    static func dataLine(of event: String) -> (index: Int, prefix: String)? {
        let lines = event.split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = lines.firstIndex(where: { $0.hasPrefix("data:") }) else { return nil }
        return (index, lines[index].hasPrefix("data: ") ? "data: " : "data:")
    }

    /// The event with its `data:` payload rewritten (unchanged when it has no `data:` line).
    static func replacingData(of event: String, _ rewrite: (String) -> String) -> String {
        guard let (index, prefix) = dataLine(of: event) else { return event }
        var lines = event.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[index] = prefix + rewrite(String(lines[index].dropFirst(prefix.count)))
        return lines.joined(separator: "\n")
    }

    /// The event with the first line starting with `prefix` replaced by `line`.
    static func replacingLine(in event: String, prefix: String, with line: String) -> String {
        var lines = event.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { return event }
        lines[index] = line
        return lines.joined(separator: "\n")
    }

    /// The first half of `text` by UTF-8 length, ending on a character boundary.
    static func firstHalf(of text: String) -> String {
        let target = text.utf8.count / 2
        var result = ""
        var length = 0
        for scalar in text.unicodeScalars {
            let size = String(scalar).utf8.count
            guard length + size <= target else { break }
            result.unicodeScalars.append(scalar)
            length += size
        }
        return result
    }

    /// A small well-formed event to break when the stream has none to copy.
    static func minimalEvent(api: APIProtocol, requestID: String, payload: String? = nil) -> String {
        switch api {
        case .compatible:
            var writer = JSONWriter()
            writer.object { o in
                o.field("id", string: "chatcmpl-" + requestID)
                o.field("object", string: "chat.completion.chunk")
                o.field("choices", .array([]))
            }
            return "data: " + (payload ?? writer.text) + "\n\n"
        case .native:
            var writer = JSONWriter()
            writer.object { o in
                o.field("output", .object([:]))
                o.field("request_id", string: requestID)
            }
            return "id:1\nevent:result\n:HTTP_STATUS/200\ndata:" + (payload ?? writer.text) + "\n\n"
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs, CRs and LFs.
    fileprivate var trimmingSpaces: String {
        let blank: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        var slice = Substring(self)
        while let first = slice.first, blank.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, blank.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
