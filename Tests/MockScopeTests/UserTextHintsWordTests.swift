@testable import MockScope
import Testing

/// The byte-level tests of a word in `UserTextHints` say what the `Character`-level ones say.
@Suite struct UserTextHintsWordTests {
    static let words = ["Tokyo", "tokyo", "New", "O'Brien", "Jean-Luc", "Dr.", "St.Louis", "Tokyo,", "Tokyo!", "Tokyo.", "X",
                        "", "A1", "ABC", "Zürich", "Émile", "东京", "Tokyo。", "Paris…", "(Tokyo)", "Tokyo?", "Tokyo'", "-Tokyo",
                        "[Tokyo]", "Tokyo_", "Tokyo;", "@Tokyo", "Ab\u{301}"]

    @Test(arguments: words)
    func nameWordsAndEndings(word: String) {
        let name = word.first.map { $0.isUppercase && $0.isLetter } == true
            && word.allSatisfy { $0.isLetter || $0 == "-" || $0 == "'" || $0 == "." }
        #expect(UserTextHints.isNameWord(word) == name)
        #expect(UserTextHints.endsInPunctuation(word) == (word.last.map { $0.isPunctuation && $0 != "." } ?? false))
    }

    @Test func aPlaceAndAPersonAreFound() {
        let hints = UserTextHints(userText: "Book a table for Ada Lovelace in New York, please.")
        #expect(hints.place == "New York")
        #expect(hints.person == "Ada Lovelace")
    }
}
