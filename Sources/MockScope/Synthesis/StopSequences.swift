/// The request's `stop` strings and where they end a synthesized text.
///
/// `stop` is a string or a list of strings (compatible: top level; native: `parameters.stop`);
/// token-id lists are not text and are ignored. The answer's content ends before the first
/// occurrence of any of them, as the real model's does, and the finish reason stays `stop`.
enum StopSequences {
    /// The non-empty stop strings of `value` (a string or an array of strings).
    static func strings(in value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: return text.isEmpty ? [] : [text]
        case .array(let items)?: return items.compactMap(\.stringValue).filter { !$0.isEmpty }
        default: return []
        }
    }

    /// `text` up to (not including) the earliest occurrence of any of `stops`.
    static func cut(_ text: String, at stops: [String]) -> String {
        var end = text.endIndex
        for stop in stops {
            if let range = text.range(of: stop), range.lowerBound < end { end = range.lowerBound }
        }
        return String(text[..<end])
    }
}
