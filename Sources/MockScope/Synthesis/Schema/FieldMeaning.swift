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

    private static func classify<Words: Collection>(_ words: Words) -> FieldMeaning where Words.Element == String {
        let set = Set(words)
        func any(_ list: [String]) -> Bool { list.contains(where: set.contains) }
        if any(["email", "mail"]) { return .email }
        if any(["url", "uri", "link", "website", "homepage", "href"]) { return .url }
        if any(["phone", "tel", "mobile", "telephone"]) { return .phone }
        if any(["location", "city", "place", "town", "region", "country", "destination", "address", "origin", "area",
                "where", "province", "loc", "venue", "地点", "城市"]) { return .place }
        if any(["timestamp", "datetime"]) || (set.contains("time") && any(["date", "start", "end", "created", "updated", "at"])) {
            return .dateTime
        }
        if any(["date", "day", "birthday", "deadline", "dob", "when"]) { return .date }
        if set.contains("time") { return .time }
        if any(["first", "given", "forename"]) && set.contains("name") || set == ["first"] { return .firstName }
        if any(["last", "family", "surname"]) && set.contains("name") || set == ["surname"] { return .lastName }
        if any(["person", "author", "user", "username", "customer", "recipient", "contact", "owner", "assignee", "speaker",
                "attendee", "who", "employee", "student", "patient", "sender"]) || (set == ["name"] || set == ["full", "name"]) {
            return .person
        }
        if any(["query", "question", "topic", "prompt", "search", "keyword", "keywords", "q", "term", "subject", "input",
                "request", "task", "text", "message", "instruction", "goal"]) { return .query }
        if any(["answer", "result", "response", "reply", "summary", "explanation", "reason", "reasoning", "output",
                "conclusion", "content", "description", "comment", "feedback", "note", "notes", "body", "title", "headline"]) {
            return .answer
        }
        if any(["language", "lang", "locale"]) { return .language }
        if any(["id", "uuid", "identifier", "key", "code", "sku"]) { return .identifier }
        if set.contains("age") { return .age }
        if set.contains("year") { return .year }
        return .generic
    }
}
