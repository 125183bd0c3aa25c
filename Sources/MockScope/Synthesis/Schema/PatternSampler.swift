/// A string that matches a simple regular expression: literals, `.`, escapes (`\d \w \s`, escaped
/// punctuation), classes (`[a-z0-9_]`, negated), groups with `|` (the first branch), and the
/// quantifiers `? * + {n} {n,m}` (one repetition where allowed, else the minimum). Anything else
/// (look-arounds, back-references) gives nil. Bounded: long patterns and repetitions are refused.
struct PatternSampler {
    private var characters: [Character]
    private var index = 0
    private var depth = 0

    static let maxPatternLength = 500
    static let maxRepeat = 100
    static let maxOutput = 1000
    static let maxDepth = 20

    enum Failure: Error { case unsupported }

    static func sample(_ pattern: String) -> String? {
        guard pattern.count <= maxPatternLength else { return nil }
        var sampler = PatternSampler(characters: Array(pattern))
        guard let text = try? sampler.alternation(), sampler.index == sampler.characters.count, text.count <= maxOutput else { return nil }
        return text
    }

    private init(characters: [Character]) { self.characters = characters }

    private var current: Character? { index < characters.count ? characters[index] : nil }

    /// Branches separated by `|`: the first one's text (the others are parsed and dropped).
    private mutating func alternation() throws(Failure) -> String {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .unsupported }
        let first = try sequence()
        while current == "|" {
            index += 1
            _ = try sequence()
        }
        return first
    }

    private mutating func sequence() throws(Failure) -> String {
        var text = ""
        while let character = current, character != "|", character != ")" {
            let atom = try self.atom()
            let count = try quantifier()
            guard text.count + atom.count * count <= Self.maxOutput else { throw .unsupported }
            text += String(repeating: atom, count: count)
        }
        return text
    }

    private mutating func atom() throws(Failure) -> String {
        guard let character = current else { throw .unsupported }
        index += 1
        switch character {
        case "^", "$": return ""
        case ".": return "a"
        case "(":
            if current == "?" {
                guard index + 1 < characters.count, characters[index + 1] == ":" else { throw .unsupported }
                index += 2
            }
            let text = try alternation()
            guard current == ")" else { throw .unsupported }
            index += 1
            return text
        case "[": return try characterClass()
        case "\\": return try escape(inClass: false)
        case "*", "+", "?", "{", ")", "]": throw .unsupported
        default: return String(character)
        }
    }

    private mutating func escape(inClass: Bool) throws(Failure) -> String {
        guard let character = current else { throw .unsupported }
        index += 1
        switch character {
        case "d": return "1"
        case "w": return "a"
        case "s": return " "
        case "D", "W", "S": return "-"
        case "b", "B": if inClass { throw .unsupported } else { return "" }
        case "n": return "\n"
        case "t": return "\t"
        case "u":
            guard index + 4 <= characters.count, let value = UInt32(String(characters[index..<index + 4]), radix: 16),
                  let scalar = Unicode.Scalar(value) else { throw .unsupported }
            index += 4
            return String(Character(scalar))
        default:
            if character.isLetter || character.isNumber { throw .unsupported }
            return String(character)
        }
    }

    /// `[...]`: the first member; for `[^...]` the first of a few candidates it does not name.
    private mutating func characterClass() throws(Failure) -> String {
        let negated = current == "^"
        if negated { index += 1 }
        var members: [(ClosedRange<Character>)] = []
        var first = true
        while let character = current, character != "]" || first {
            first = false
            index += 1
            var low = String(character)
            if character == "\\" { low = try escape(inClass: true) }
            if current == "-", index + 1 < characters.count, characters[index + 1] != "]", let lowCharacter = low.first, low.count == 1 {
                index += 1
                var high = String(characters[index])
                index += 1
                if high == "\\" { high = try escape(inClass: true) }
                guard let highCharacter = high.first, lowCharacter <= highCharacter else { throw .unsupported }
                members.append(lowCharacter...highCharacter)
            } else if let lowCharacter = low.first {
                members.append(lowCharacter...lowCharacter)
            }
        }
        guard current == "]" else { throw .unsupported }
        index += 1
        if negated {
            let candidate = ["a", "x", "0", "_", "Z", "~"].first { c in !members.contains { $0.contains(Character(c)) } }
            guard let candidate else { throw .unsupported }
            return candidate
        }
        guard let range = members.first else { throw .unsupported }
        // A lower-case letter or digit when the class allows one (reads better than its first byte).
        for preferred in ["a", "1"] where members.contains(where: { $0.contains(Character(preferred)) }) { return preferred }
        return String(range.lowerBound)
    }

    /// How often the atom repeats: once where allowed, else the minimum.
    private mutating func quantifier() throws(Failure) -> Int {
        guard let character = current else { return 1 }
        var count = 1
        switch character {
        case "?", "*", "+": index += 1
        case "{":
            guard let close = characters[index...].firstIndex(of: "}") else { return 1 }
            let body = String(characters[(index + 1)..<close])
            let bounds = body.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]) else { throw .unsupported }
            let high = bounds.count == 2 ? (bounds[1].isEmpty ? Int.max : Int(bounds[1])) : low
            guard let high, high >= low, low <= Self.maxRepeat else { throw .unsupported }
            count = max(low, min(1, high))
            index = close + 1
        default: return 1
        }
        if current == "?" || current == "+" { index += 1 }
        return count
    }
}
