import Testing
@testable import MockScope

/// `SecretPolicy.replacing`'s hand-written search replaces every occurrence, left to right.
@Suite struct SecretReplacingTests {
    @Test func everyOccurrenceLeftToRightWherePartsOfOneOverlap() {
        #expect(SecretPolicy.replacing("abcabc", in: "abcabcabc-abcabc") == "REDACTEDabc-REDACTED")
        #expect(SecretPolicy.replacing("secret", in: "secret") == "REDACTED")
        #expect(SecretPolicy.replacing("secret", in: "a secre") == "a secre")
        #expect(SecretPolicy.replacing("sk-密钥1", in: "key sk-密钥1, again sk-密钥1") == "key REDACTED, again REDACTED")
        #expect(SecretPolicy.replacing("", in: "text") == "text")
    }
}
