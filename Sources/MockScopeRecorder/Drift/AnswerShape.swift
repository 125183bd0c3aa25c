import MockScope
import MockScopeHTTPTypes

/// What a drift check compares of one answer: its status, header names, content type, and its
/// body's shape: a whole body's JSON shape, or a stream's event names and counts and the shape of
/// its events' JSON data.
public struct AnswerShape: Sendable, Equatable {
    public var status: Int
    /// Lower-cased header names, the volatile ones left out (`AnswerShape.volatileHeaders`).
    public var headerNames: Set<String>
    /// The content type without its parameters, lower-cased.
    public var contentType: String?
    /// nil for a stream.
    public var events: [String: Int]?
    /// The JSON shape of a whole body or of every event's data; nil when the body is not JSON.
    public var body: JSONShape?
    /// Whether the body (or an event's data) was text that is not JSON.
    public var hasText: Bool

    /// Headers that differ on every answer or with the transport: never drift.
    public static let volatileHeaders: Set<String> = [
        "date", "x-request-id", "req-cost-time", "req-arrive-time", "resp-start-time", "x-envoy-upstream-service-time",
        "content-length", "transfer-encoding", "connection", "keep-alive", "set-cookie", "server-timing", "server",
        "x-dashscope-call-gateway", "vary", "content-encoding", "eagleeye-traceid", "x-ratelimit-reset-requests",
        "x-ratelimit-reset-tokens", "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens",
    ]

    public init(status: Int, headers: HeaderFields, body: PlannedBody) {
        self.status = status
        headerNames = Set(headers.fields.map { $0.name.lowercased() }.filter { !Self.volatileHeaders.contains($0) })
        contentType = headers["content-type"].map { String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased() }
        hasText = false
        switch body {
        case .whole(let bytes):
            events = nil
            if bytes.isEmpty {
                self.body = nil
            } else if let value = try? JSONValue.parse(bytes) {
                self.body = JSONShape(value)
            } else {
                self.body = nil
                hasText = true
            }
        case .events(let planned):
            var names: [String: Int] = [:]
            var shape = JSONShape()
            var sawJSON = false
            for event in planned {
                let (name, data) = Self.parse(String(decoding: event.bytes, as: UTF8.self))
                guard name != nil || data != nil else { continue }
                names[name ?? "message", default: 0] += 1
                guard let data, data != "[DONE]" else { continue }
                if let value = try? JSONValue.parse(data) {
                    shape.add(value)
                    sawJSON = true
                } else {
                    hasText = true
                }
            }
            events = names
            self.body = sawJSON ? shape : nil
        case .live:
            events = nil
            self.body = nil
        }
    }

    /// An event's `event:` name and its `data:` lines joined (the SSE rules, comments skipped).
    static func parse(_ event: String) -> (name: String?, data: String?) {
        var name: String?
        var data: [String] = []
        for line in event.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            if line.hasPrefix(":") { continue }
            let field: Substring, value: Substring
            if let colon = line.firstIndex(of: ":") {
                field = line[..<colon]
                var rest = line[line.index(after: colon)...]
                if rest.first == " " { rest = rest.dropFirst() }
                value = rest
            } else {
                field = line
                value = ""
            }
            if field == "event" { name = String(value) } else if field == "data" { data.append(String(value)) }
        }
        return (name, data.isEmpty ? nil : data.joined(separator: "\n"))
    }

    /// How `live` differs from this recorded answer, one line each.
    public func differences(to live: AnswerShape) -> [String] {
        var lines: [String] = []
        if status != live.status { lines.append("status: \(status) -> \(live.status)") }
        if contentType != live.contentType { lines.append("content-type: \(contentType ?? "none") -> \(live.contentType ?? "none")") }
        for name in live.headerNames.subtracting(headerNames).sorted() { lines.append("header added: \(name)") }
        for name in headerNames.subtracting(live.headerNames).sorted() { lines.append("header removed: \(name)") }
        switch (events, live.events) {
        case (nil, .some): lines.append("body: whole -> event stream")
        case (.some, nil): lines.append("body: event stream -> whole")
        case (let recorded?, let now?):
            for name in Set(recorded.keys).union(now.keys).sorted() where recorded[name] != now[name] {
                lines.append("events \"\(name)\": \(recorded[name] ?? 0) -> \(now[name] ?? 0)")
            }
        case (nil, nil): break
        }
        switch (body, live.body) {
        case (let recorded?, let now?): lines += recorded.differences(to: now).map(\.description)
        case (.some, nil): lines.append(live.hasText ? "body: JSON -> not JSON" : "body: JSON -> empty")
        case (nil, .some): lines.append(hasText ? "body: not JSON -> JSON" : "body: empty -> JSON")
        case (nil, nil): break
        }
        return lines
    }
}
