/// What generated values may borrow from the conversation: the user's question and the place,
/// person, numbers, date, e-mail address and URL it mentions, and the latest tool result.
struct UserTextHints: Sendable, Equatable {
    /// The last user text on one line ("" when none).
    var question = ""
    var place: String?
    var person: String?
    /// Numbers in the order they appear (those inside dates excluded).
    var numbers: [Double] = []
    /// The first `YYYY-MM-DD` (or `YYYY/MM/DD`) date that exists.
    var date: String?
    var email: String?
    var url: String?
    /// The latest tool result on one line, when the conversation ends with one.
    var toolResult: String?

    static let questionLength = 200

    init() {}

    init(userText: String, toolResult: String? = nil) {
        question = TextMetrics.excerpt(userText, limit: Self.questionLength)
        self.toolResult = toolResult.map { TextMetrics.excerpt($0, limit: Self.questionLength) }
        let words = ASCIIText.withASCII(userText, ASCIIText.words) ?? userText.split(whereSeparator: \.isWhitespace).map(String.init)
        var remaining: [String] = []
        for word in words {
            let bare = Self.trimmed(word)
            if url == nil, bare.hasPrefix("http://") || bare.hasPrefix("https://") { url = bare; continue }
            if email == nil, Self.looksLikeEmail(bare) { email = bare; continue }
            if let found = Self.date(in: bare) {
                if date == nil { date = found }
                continue
            }
            remaining.append(word)
        }
        numbers = Self.numbers(in: remaining.joined(separator: " "))
        place = Self.place(in: words, text: userText)
        person = Self.person(in: words, excluding: place)
    }

    // MARK: - Extraction

    static let placeMarkers: Set<String> = ["in", "at", "near", "from", "to", "around", "visit", "visiting"]
    static let personMarkers: Set<String> = ["named", "called", "is", "am", "i'm", "dear", "mr.", "ms.", "mrs.", "dr.", "with", "to", "for"]
    /// Capitalised words that are no place or person.
    static let notNames: Set<String> = [
        "I", "The", "A", "An", "What", "Which", "Who", "How", "When", "Where", "Why", "Is", "Are", "Please", "Tell", "Give",
        "Today", "Tomorrow", "Yesterday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December", "JSON", "API", "AI", "OK", "Celsius", "Fahrenheit", "English", "Chinese", "Python", "Swift",
    ]
    static let knownCities = [
        "北京", "上海", "杭州", "广州", "深圳", "成都", "重庆", "南京", "武汉", "西安", "苏州", "天津", "长沙", "青岛", "厦门",
        "香港", "台北", "东京", "大阪", "首尔", "纽约", "伦敦", "巴黎", "柏林", "新加坡", "悉尼",
        "Tokyo", "Paris", "London", "Beijing", "Shanghai", "Hangzhou", "Berlin", "Sydney", "Singapore", "Seoul",
    ]

    /// A known city the text names, else a capitalised run after "in"/"at"/"from"/... ("weather in
    /// New York" → New York).
    static func place(in words: [String], text: String) -> String? {
        if let city = knownCity(in: text) { return city }
        var index = 0
        while index < words.count - 1 {
            if placeMarkers.contains(words[index].lowercased()), let run = capitalisedRun(words, from: index + 1) {
                return run
            }
            index += 1
        }
        return nil
    }

    /// The first of `knownCities` that `text` contains. ASCII text is searched byte by byte (only
    /// an ASCII name can occur in it, and there bytes and characters agree); other text with
    /// Foundation's search as before.
    static func knownCity(in text: String) -> String? {
        let ascii = ASCIIText.withASCII(text) { bytes in
            knownCities.first { city in
                city.utf8.withContiguousStorageIfAvailable { ASCIIText.find($0, in: bytes) } ?? Array(city.utf8).withUnsafeBufferPointer { ASCIIText.find($0, in: bytes) }
            }
        }
        if let ascii { return ascii }
        return knownCities.first(where: { text.contains($0) })
    }

    /// A capitalised run after "named"/"called"/"is"/..., else two capitalised words in a row.
    static func person(in words: [String], excluding place: String?) -> String? {
        for index in words.indices.dropLast() where personMarkers.contains(words[index].lowercased()) {
            if let run = capitalisedRun(words, from: index + 1), run != place { return run }
        }
        for index in words.indices.dropFirst() {
            if let run = capitalisedRun(words, from: index), run.contains(" "), run != place,
               !(place?.contains(run) ?? false) { return run }
        }
        return nil
    }

    /// Up to three capitalised words from `start`, stopping after a word that ends in punctuation.
    static func capitalisedRun(_ words: [String], from start: Int) -> String? {
        var run: [String] = []
        var index = start
        while index < words.count, run.count < 3 {
            let bare = trimmed(words[index])
            guard isNameWord(bare), !notNames.contains(bare) else { break }
            run.append(bare)
            if endsInPunctuation(words[index]) { break }
            index += 1
        }
        return run.isEmpty ? nil : run.joined(separator: " ")
    }

    /// A capitalised word of letters (and `-`, `'`, `.`). ASCII a byte a character (a word has no
    /// white space, so no "\r\n").
    static func isNameWord(_ word: String) -> Bool {
        if let ascii = ASCIIText.withASCII(word, { bytes -> Bool in
            guard let first = bytes.first, first >= 0x41, first <= 0x5A else { return false }
            return bytes.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || $0 == 0x2D || $0 == 0x27 || $0 == 0x2E }
        }) { return ascii }
        guard let first = word.first, first.isUppercase, first.isLetter else { return false }
        return word.allSatisfy { $0.isLetter || $0 == "-" || $0 == "'" || $0 == "." }
    }

    /// Whether `word` ends in punctuation other than `.` (a run of names stops there).
    static func endsInPunctuation(_ word: String) -> Bool {
        if let ascii = ASCIIText.withASCII(word, { bytes -> Bool in
            guard let last = bytes.last else { return false }
            return ASCIIText.properties[Int(last)].contains(.punctuation) && last != 0x2E
        }) { return ascii }
        return word.last.map { $0.isPunctuation && $0 != "." } ?? false
    }

    static func trimmed(_ word: String) -> String {
        if let bare = ASCIIText.withASCII(word, asciiTrimmed) { return bare }
        let edge: (Character) -> Bool = { $0.isPunctuation && $0 != "/" || $0.isSymbol && $0 != "+" }
        var text = Substring(word)
        while let last = text.last, edge(last) { text = text.dropLast() }
        while let first = text.first, edge(first) { text = text.dropFirst() }
        return String(text)
    }

    /// `trimmed` of ASCII text: a byte a character (CR and LF, the one pair that is one character,
    /// are neither punctuation nor symbols, alone or together).
    private static func asciiTrimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        func edge(_ byte: UInt8) -> Bool {
            let properties = ASCIIText.properties[Int(byte)]
            return properties.contains(.punctuation) && byte != UInt8(ascii: "/") || properties.contains(.symbol) && byte != UInt8(ascii: "+")
        }
        var start = 0, end = bytes.count
        while end > start, edge(bytes[end - 1]) { end -= 1 }
        while start < end, edge(bytes[start]) { start += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    static func looksLikeEmail(_ word: String) -> Bool {
        guard word.utf8.contains(UInt8(ascii: "@")) else { return false }  // the split below needs one
        let parts = word.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasSuffix(".") else { return false }
        return word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "@._+-".contains($0)) }
    }

    /// `YYYY-MM-DD` (or with `/`) when it is a real calendar date, as `YYYY-MM-DD`.
    static func date(in word: String) -> String? {
        // The split below needs two separators, and a character that is one is its byte.
        guard word.utf8.lazy.filter({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") }).count >= 2 else { return nil }
        let parts = word.split(whereSeparator: { $0 == "-" || $0 == "/" })
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              parts[1].count <= 2, parts[2].count <= 2, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        return "\(parts[0])-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Runs of digits (with one decimal point, a leading minus) not glued to letters.
    static func numbers(in text: String) -> [Double] {
        if let found = ASCIIText.withASCII(text, asciiNumbers) { return found }
        var found: [Double] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count, found.count < 32 {
            guard characters[index].isASCII, characters[index].isNumber else { index += 1; continue }
            let start = index
            var seenPoint = false
            while index < characters.count, characters[index].isASCII,
                  characters[index].isNumber || (characters[index] == "." && !seenPoint && index + 1 < characters.count
                                                 && characters[index + 1].isASCII && characters[index + 1].isNumber) {
                if characters[index] == "." { seenPoint = true }
                index += 1
            }
            let before = start > 0 ? characters[start - 1] : " "
            let after = index < characters.count ? characters[index] : " "
            guard !(before.isLetter && before.isASCII), !(after.isLetter && after.isASCII), var value = Double(String(characters[start..<index])) else { continue }
            if before == "-", start < 2 || characters[start - 2].isWhitespace { value = -value }
            found.append(value)
        }
        return found
    }

    /// `numbers` of ASCII text, a byte a character: the same runs (`"\r\n"`, one `Character` but
    /// two bytes, is white space either way and never a digit, letter or minus), without building
    /// an array of `Character`s (69 k instructions a request with tools, callgrind).
    private static func asciiNumbers(_ bytes: UnsafeBufferPointer<UInt8>) -> [Double] {
        @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        @inline(__always) func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        var found: [Double] = []
        var index = 0
        while index < bytes.count, found.count < 32 {
            guard isDigit(bytes[index]) else { index += 1; continue }
            let start = index
            var seenPoint = false
            while index < bytes.count,
                  isDigit(bytes[index]) || (bytes[index] == 0x2E && !seenPoint && index + 1 < bytes.count && isDigit(bytes[index + 1])) {
                if bytes[index] == 0x2E { seenPoint = true }
                index += 1
            }
            let before: UInt8 = start > 0 ? bytes[start - 1] : 0x20
            let after: UInt8 = index < bytes.count ? bytes[index] : 0x20
            guard !isLetter(before), !isLetter(after),
                  var value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) else { continue }
            if before == 0x2D, start < 2 || ASCIIText.isWhitespace(bytes[start - 2]) { value = -value }
            found.append(value)
        }
        return found
    }
}
