import MockScope

extension SecretScope {
    /// Secret fragments at the edge of a piece of streamed text shorter than this are left alone
    /// (`sk-` alone tells nothing; four characters of a key already narrow it).
    static let fragmentMinimum = 4

    /// The events of a stream redacted as the text a client puts back together, then as text each.
    ///
    /// A stream carries its text in pieces: the `data:` payload of each event, and within a JSON
    /// payload each string at its path (`choices.0.delta.content`). A key the upstream streams
    /// (echoed by a model, token by token) is split over the events: no event holds it whole, so
    /// scrubbing each event alone writes it to disk in parts. Here the pieces of one path are
    /// concatenated over the whole stream, the policy's secret values are searched in that
    /// concatenation, and each occurrence is cut out of the pieces it spans (the placeholder
    /// in the first, nothing in the rest: the reassembled text reads `REDACTED`). A piece that
    /// still ends with the start of a secret (a stream cut mid-key, or cumulative text whose
    /// earlier events hold prefixes) or begins with the end of one loses that fragment too.
    /// Every other byte stays where it was: the events keep their framing, number and timing.
    /// Then each event goes through `text(_:)` (secrets whole in one event, secret-named fields).
    public func events(_ events: [[UInt8]]) -> [String] {
        guard !secrets.isEmpty else { return events.map { text(String(decoding: $0, as: UTF8.self)) } }
        let needles = secrets.map { Array($0.utf8) }
        let placeholder = Array(SecretPolicy.placeholder.utf8)

        // The pieces of text, by path, in stream order.
        var order: [String] = []
        var pieces: [String: [(event: Int, range: Range<Int>)]] = [:]
        for (index, event) in events.enumerated() {
            for (path, range) in StreamText.pieces(of: event) {
                if pieces[path] == nil { order.append(path) }
                pieces[path, default: []].append((index, range))
            }
        }

        // Edits to each event's bytes: a range and what replaces it.
        var edits = [[(range: Range<Int>, with: [UInt8])]](repeating: [], count: events.count)
        for path in order {
            let list = pieces[path]!
            var joined: [UInt8] = []
            var starts: [Int] = []
            for piece in list {
                starts.append(joined.count)
                joined += events[piece.event][piece.range]
            }
            // Occurrences of secrets in the reassembled text, longest secret first, not overlapping.
            var found: [Range<Int>] = []
            for needle in needles {
                var from = 0
                while from < joined.count, let hit = joined[from...].firstRange(of: needle) {
                    if !found.contains(where: { $0.overlaps(hit) }) { found.append(hit) }
                    from = hit.upperBound
                }
            }
            // Fragments at a piece's edges: the end of a piece that starts a secret (the rest never
            // came, or came in a later event's cumulative text), the start of one that ends it.
            for (number, piece) in list.enumerated() {
                let start = starts[number], end = start + piece.range.count
                guard end > start else { continue }
                if let length = StreamText.longestPrefixOfAny(needles, endingAt: joined[start..<end]) {
                    let cut = (end - length)..<end
                    if !found.contains(where: { $0.overlaps(cut) }) { found.append(cut) }
                }
                if let length = StreamText.longestSuffixOfAny(needles, startingAt: joined[start..<end]) {
                    let cut = start..<(start + length)
                    if !found.contains(where: { $0.overlaps(cut) }) { found.append(cut) }
                }
            }
            // Each occurrence, back in the events: placeholder where it starts, nothing elsewhere.
            for hit in found {
                for (number, piece) in list.enumerated() {
                    let start = starts[number], end = start + piece.range.count
                    let lower = max(start, hit.lowerBound), upper = min(end, hit.upperBound)
                    guard lower < upper else { continue }
                    let range = (piece.range.lowerBound + lower - start)..<(piece.range.lowerBound + upper - start)
                    edits[piece.event].append((range, lower == hit.lowerBound ? placeholder : []))
                }
            }
        }

        return events.enumerated().map { index, event in
            var list = edits[index]
            guard !list.isEmpty else { return text(String(decoding: event, as: UTF8.self)) }
            list.sort { $0.range.lowerBound < $1.range.lowerBound }
            var result: [UInt8] = []
            result.reserveCapacity(event.count)
            var copied = 0
            for edit in list where edit.range.lowerBound >= copied {
                result += event[copied..<edit.range.lowerBound]
                result += edit.with
                copied = edit.range.upperBound
            }
            result += event[copied...]
            return text(String(decoding: result, as: UTF8.self))
        }
    }
}

/// Where the text of an SSE event is: its `data:` payloads, and in a JSON payload each string
/// value with its path (byte ranges of the string's content as written, escapes included).
enum StreamText {
    static func pieces(of event: [UInt8]) -> [(path: String, range: Range<Int>)] {
        var result: [(path: String, range: Range<Int>)] = []
        var lineStart = 0
        var index = 0
        func line(_ start: Int, _ end: Int) {
            let data = Array("data:".utf8)
            guard end - start >= data.count, event[start..<(start + data.count)].elementsEqual(data) else { return }
            var payload = start + data.count
            if payload < end, event[payload] == 0x20 { payload += 1 }
            var first = payload
            while first < end, event[first] == 0x20 || event[first] == 0x09 { first += 1 }
            if first < end, event[first] == UInt8(ascii: "{") || event[first] == UInt8(ascii: "[") {
                json(event, first..<end, into: &result)
            } else {
                result.append(("", payload..<end))
            }
        }
        while index < event.count {
            let byte = event[index]
            if byte == 10 || byte == 13 {
                line(lineStart, index)
                index += (byte == 13 && index + 1 < event.count && event[index + 1] == 10) ? 2 : 1
                lineStart = index
            } else {
                index += 1
            }
        }
        if lineStart < event.count { line(lineStart, event.count) }
        return result
    }

    /// The string values of the JSON in `bounds`, with their dotted paths (`$` first: a JSON path
    /// never collides with the plain `data:` text's empty path).
    private static func json(_ bytes: [UInt8], _ bounds: Range<Int>, into result: inout [(path: String, range: Range<Int>)]) {
        struct Frame {
            var isObject: Bool
            var key = ""
            var index = 0
            var expectingKey = true
        }
        var stack: [Frame] = []
        var index = bounds.lowerBound
        while index < bounds.upperBound {
            switch bytes[index] {
            case UInt8(ascii: "{"): stack.append(Frame(isObject: true))
            case UInt8(ascii: "["): stack.append(Frame(isObject: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
            case UInt8(ascii: ","):
                if !stack.isEmpty {
                    if stack[stack.count - 1].isObject { stack[stack.count - 1].expectingKey = true } else { stack[stack.count - 1].index += 1 }
                }
            case UInt8(ascii: ":"):
                if !stack.isEmpty { stack[stack.count - 1].expectingKey = false }
            case UInt8(ascii: "\""):
                var close = index + 1
                while close < bounds.upperBound, bytes[close] != UInt8(ascii: "\"") {
                    close += bytes[close] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard close < bounds.upperBound else { return }
                let content = (index + 1)..<close
                if let top = stack.last, top.isObject, top.expectingKey {
                    stack[stack.count - 1].key = String(decoding: bytes[content], as: UTF8.self)
                } else {
                    let path = "$" + stack.map { $0.isObject ? "." + $0.key : "." + String($0.index) }.joined()
                    result.append((path, content))
                }
                index = close
            default: break
            }
            index += 1
        }
    }

    /// The length of the longest proper prefix (at least `SecretScope.fragmentMinimum` bytes) of
    /// any needle that `text` ends with.
    static func longestPrefixOfAny(_ needles: [[UInt8]], endingAt text: ArraySlice<UInt8>) -> Int? {
        longestOverlap(needles, text) { text, needle, length in text.suffix(length).elementsEqual(needle.prefix(length)) }
    }

    /// The length of the longest proper suffix (at least `SecretScope.fragmentMinimum` bytes) of
    /// any needle that `text` starts with.
    static func longestSuffixOfAny(_ needles: [[UInt8]], startingAt text: ArraySlice<UInt8>) -> Int? {
        longestOverlap(needles, text) { text, needle, length in text.prefix(length).elementsEqual(needle.suffix(length)) }
    }

    /// The longest `length` (at least the fragment minimum, shorter than the needle) at which
    /// `overlaps` holds for some needle.
    private static func longestOverlap(_ needles: [[UInt8]], _ text: ArraySlice<UInt8>,
                                       _ overlaps: (ArraySlice<UInt8>, [UInt8], Int) -> Bool) -> Int? {
        var best: Int?
        for needle in needles {
            var length = min(needle.count - 1, text.count)
            while length >= SecretScope.fragmentMinimum, length > (best ?? 0) {
                if overlaps(text, needle, length) {
                    best = length
                    break
                }
                length -= 1
            }
        }
        return best
    }
}
