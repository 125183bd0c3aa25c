import Testing
@testable import MockScope

@Suite struct CanonicalJSONTests {
    @Test func keyOrderAndWhitespaceDoNotMatter() throws {
        let a = try JSONValue.parse(#"{"b": 1, "a": {"y": [1, 2], "x": "é"}}"#)
        let b = try JSONValue.parse(#"{"a":{"x":"é","y":[1,2]},"b":1}"#)
        #expect(CanonicalJSON.string(a) == CanonicalJSON.string(b))
        #expect(CanonicalJSON.string(a) == #"{"a":{"x":"é","y":[1,2]},"b":1}"#)
    }

    @Test func numbersAreNormalised() throws {
        #expect(CanonicalJSON.string(try JSONValue.parse(#"{"t":1.0,"u":1e2,"v":0.5}"#)) == #"{"t":1,"u":100,"v":0.5}"#)
    }

    @Test func nullMembersAreDroppedButArrayNullsKept() throws {
        let value = try JSONValue.parse(#"{"a":null,"b":[null,1],"c":{"d":null}}"#)
        #expect(CanonicalJSON.string(value) == #"{"b":[null,1],"c":{}}"#)
    }

    @Test func booleansAreNotNumbers() throws {
        #expect(try JSONValue.parse("true") == .bool(true))
        #expect(try JSONValue.parse("1") == .number(1))
        #expect(CanonicalJSON.string(try JSONValue.parse("[true,1]")) == "[true,1]")
    }

    @Test func stringsAreEscapedAndNonASCIIKeptRaw() throws {
        let value = JSONValue.string("a\"b\\c\nd\u{01}中")
        #expect(CanonicalJSON.string(value) == #""a\"b\\c\nd\u0001中""#)
        #expect(try JSONValue.parse(CanonicalJSON.string(value)) == value)
    }

    @Test func dottedPathsReadAndRemove() throws {
        let value = try JSONValue.parse(#"{"messages":[{"role":"user","content":"hi"}],"p":{"seed":1,"k":2}}"#)
        #expect(value.value(at: "messages.0.content") == "hi")
        #expect(value.removing(path: "p.seed") == (try JSONValue.parse(#"{"messages":[{"role":"user","content":"hi"}],"p":{"k":2}}"#)))
        #expect(value.removing(path: "nothing.here") == value)
    }
}
