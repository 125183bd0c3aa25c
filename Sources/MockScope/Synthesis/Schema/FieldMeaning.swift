/// What a property is about, read from its name (then its description): decides which part of the
/// user's text, or which plausible value, a string or number gets.
enum FieldMeaning: Sendable, Equatable {
    case place, query, person, firstName, lastName, date, dateTime, time, email, url, answer, language,
         identifier, phone, age, year, generic

    init(name: String, description: String?) {
        let meaning = Self.classify(Self.words(name))
        if meaning == .generic, let description {
            self = Self.classify(Self.words(description).prefix(8).filter { !Self.descriptionNoise.contains($0) })
        } else {
            self = meaning
        }
    }

    /// Lower-case words of `name`: split at `_`, `-`, spaces, punctuation and camelCase humps.
    static func words(_ name: String) -> [String] {
        if let words = ASCIIText.withASCII(name, asciiWords) { return words }
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in name {
            if character.isLetter || character.isNumber {
                if character.isUppercase, previousLower, !current.isEmpty { words.append(current); current = "" }
                current += character.lowercased()
                previousLower = character.isLowercase || character.isNumber
            } else {
                if !current.isEmpty { words.append(current); current = "" }
                previousLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static let descriptionNoise: Set<String> = ["the", "a", "an", "of", "to", "for", "is", "in", "e", "g"]

    /// `words` of ASCII bytes: letters are A–Z and a–z, numbers 0–9 (no "\r\n" can matter:
    /// neither byte is a letter or a number).
    private static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var previousLower = false
        for byte in bytes {
            let upper = byte >= 0x41 && byte <= 0x5A, lower = byte >= 0x61 && byte <= 0x7A, digit = byte >= 0x30 && byte <= 0x39
            if upper || lower || digit {
                if upper, previousLower, !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true) }
                current.append(upper ? byte + 0x20 : byte)
                previousLower = lower || digit
            } else {
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true) }
                previousLower = false
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// The word lists `classify` tests, one bit each.
    private struct Cue: OptionSet {
        let rawValue: UInt32
        static let email = Cue(rawValue: 1 << 0), url = Cue(rawValue: 1 << 1), phone = Cue(rawValue: 1 << 2)
        static let place = Cue(rawValue: 1 << 3), dateTime = Cue(rawValue: 1 << 4), timePart = Cue(rawValue: 1 << 5)
        static let date = Cue(rawValue: 1 << 6), time = Cue(rawValue: 1 << 7), first = Cue(rawValue: 1 << 8)
        static let name = Cue(rawValue: 1 << 9), last = Cue(rawValue: 1 << 10), person = Cue(rawValue: 1 << 11)
        static let query = Cue(rawValue: 1 << 12), answer = Cue(rawValue: 1 << 13), language = Cue(rawValue: 1 << 14)
        static let identifier = Cue(rawValue: 1 << 15), age = Cue(rawValue: 1 << 16), year = Cue(rawValue: 1 << 17)
    }

    /// Each cue word and the lists it is in (the lists of the rules in `classify`).
    private static let cues: [String: Cue] = {
        var table: [String: Cue] = [:]
        func add(_ cue: Cue, _ words: [String]) { for word in words { table[word, default: []].insert(cue) } }
        add(.email, ["email", "mail"])
        add(.url, ["url", "uri", "link", "website", "homepage", "href"])
        add(.phone, ["phone", "tel", "mobile", "telephone"])
        add(.place, ["location", "city", "place", "town", "region", "country", "destination", "address", "origin", "area",
                     "where", "province", "loc", "venue", "地点", "城市"])
        add(.dateTime, ["timestamp", "datetime"])
        add(.timePart, ["date", "start", "end", "created", "updated", "at"])
        add(.date, ["date", "day", "birthday", "deadline", "dob", "when"])
        add(.time, ["time"])
        add(.first, ["first", "given", "forename"])
        add(.name, ["name"])
        add(.last, ["last", "family", "surname"])
        add(.person, ["person", "author", "user", "username", "customer", "recipient", "contact", "owner", "assignee", "speaker",
                      "attendee", "who", "employee", "student", "patient", "sender"])
        add(.query, ["query", "question", "topic", "prompt", "search", "keyword", "keywords", "q", "term", "subject", "input",
                     "request", "task", "text", "message", "instruction", "goal"])
        add(.answer, ["answer", "result", "response", "reply", "summary", "explanation", "reason", "reasoning", "output",
                      "conclusion", "content", "description", "comment", "feedback", "note", "notes", "body", "title", "headline"])
        add(.language, ["language", "lang", "locale"])
        add(.identifier, ["id", "uuid", "identifier", "key", "code", "sku"])
        add(.age, ["age"])
        add(.year, ["year"])
        return table
    }()

    /// The first rule the words meet, in order. The rules are set tests on the distinct words;
    /// each word's lists come from one table look-up (`cues`) instead of a test per listed word.
    private static func classify<Words: Collection>(_ words: Words) -> FieldMeaning where Words.Element == String {
        var cue: Cue = []
        for word in words { if let found = cues[word] { cue.formUnion(found) } }
        /// The distinct words are exactly `set`.
        func only(_ set: [String]) -> Bool { !words.isEmpty && words.allSatisfy(set.contains) && set.allSatisfy(words.contains) }
        if cue.contains(.email) { return .email }
        if cue.contains(.url) { return .url }
        if cue.contains(.phone) { return .phone }
        if cue.contains(.place) { return .place }
        if cue.contains(.dateTime) || (cue.contains(.time) && cue.contains(.timePart)) { return .dateTime }
        if cue.contains(.date) { return .date }
        if cue.contains(.time) { return .time }
        if cue.contains(.first) && cue.contains(.name) || only(["first"]) { return .firstName }
        if cue.contains(.last) && cue.contains(.name) || only(["surname"]) { return .lastName }
        if cue.contains(.person) || only(["name"]) || only(["full", "name"]) { return .person }
        if cue.contains(.query) { return .query }
        if cue.contains(.answer) { return .answer }
        if cue.contains(.language) { return .language }
        if cue.contains(.identifier) { return .identifier }
        if cue.contains(.age) { return .age }
        if cue.contains(.year) { return .year }
        return .generic
    }
}
