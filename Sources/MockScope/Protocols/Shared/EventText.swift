/// The lines of one server-sent event, as text: what dialects and faults read and rewrite.
enum EventText {
    /// True for the terminator `data: [DONE]` (spaces, tabs and line ends around it aside).
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
