@testable import MockScope
import Testing

@Suite struct MatchRuleTests {
    private func messages(_ texts: [(String, String)]) -> JSONValue {
        .object(["model": "m", "messages": .array(texts.map { .object(["role": .string($0.0), "content": .string($0.1)]) })])
    }

    @Test func aMessageWindowKeepsTheLastMessagesAndOptionallyTheSystemOnes() {
        let session = messages([("system", "S"), ("user", "a"), ("assistant", "b"), ("user", "c")])
        let last = MatchRule(messages: MessageWindow(last: 1)).apply(to: session)
        #expect(last == messages([("user", "c")]))
        let withSystem = MatchRule(messages: MessageWindow(last: 2, keepSystem: true)).apply(to: session)
        #expect(withSystem == messages([("system", "S"), ("assistant", "b"), ("user", "c")]))
        // Fewer messages than the window: all of them.
        #expect(MatchRule(messages: MessageWindow(last: 9)).apply(to: session) == session)
    }

    @Test func normalizersRewriteEveryStringAndSayWhichChangedSomething() {
        let body = JSONValue.object(["a": "at 2026-01-02T03:04:05Z", "b": .array(["id 123e4567-e89b-12d3-a456-426614174000", 7])])
        let rule = MatchRule(normalizers: [.builtin(.uuid), .builtin(.tempPath), .builtin(.datetime)])
        let (value, changed) = rule.applyReporting(to: body)
        #expect(value == .object(["a": "at <DATETIME>", "b": .array(["id <UUID>", 7])]))
        #expect(changed == [.builtin(.uuid), .builtin(.datetime)])
    }

    @Test func theStrictestRuleIsLookedUpFirst() {
        let rules = [MatchRule(messages: MessageWindow(last: 1)), MatchRule(normalizers: [.builtin(.uuid)]),
                     MatchRule(ignore: ["a", "b"]), MatchRule(), MatchRule(ignore: ["a"])]
        #expect(FixtureStore.lookupOrder(rules) == [3, 4, 2, 1, 0])
    }
}
