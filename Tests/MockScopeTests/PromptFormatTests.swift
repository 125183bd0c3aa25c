import Testing
@testable import MockScope

/// The readers behind prompt-embedded tool formats (the end-to-end behaviour is tested through
/// the real SDKs in Tests/python/test_prompt_formats.py and the framework tests).
@Suite struct PromptFormatTests {
    @Test func pythonLiteralsReadAsJSON() throws {
        let value = PythonLiteral.value(of: "{'city': {'type': 'string', \"n\": [1, 2.5, True, None]}, 'q': 'it\\'s'}")
        #expect(value == .object(["city": .object(["type": .string("string"), "n": .array([.number(1), .number(2.5), .bool(true), .null])]),
                                  "q": .string("it's")]))
        #expect(PythonLiteral.value(of: "{'a': 1} trailing") == nil)
        #expect(PythonLiteral.leadingObject(in: "get_weather: desc, args: {'city': {'type': 'string'}}.") ==
                .object(["city": .object(["type": .string("string")])]))
        #expect(PythonLiteral.value(of: "{{{{") == nil)
    }

    @Test func hermesToolsAreReadFromEveryToolsSpan() {
        let system = """
        You are provided with function signatures within <tools></tools> XML tags:
        <tools>
        {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
        {"name": "get_time", "parameters": {}}
        </tools>
        Return <tool_call></tool_call> blocks.
        """
        let conversation = PromptConversation([ConversationTurn(role: "system", text: system), ConversationTurn(role: "user", text: "hi")])
        let format = HermesToolFormat(conversation)
        #expect(format?.tools.map(\.name) == ["get_weather", "get_time"])
        #expect(format?.response == nil)
    }

    @Test func fieldMarkerSectionsAndListedOutputs() {
        let text = "Your output fields are:\n1. `answer` (int): how many\n2. `ok` (bool):\n\n[[ ## answer ## ]]\n{answer}        # note: the value you produce must be a single int value\n\n[[ ## completed ## ]]"
        #expect(FieldMarkerFormat.sections(in: text).map(\.name) == ["answer", "completed"])
        #expect(FieldMarkerFormat.listedOutputs(in: text).map(\.name) == ["answer", "ok"])
        let format = FieldMarkerFormat(PromptConversation([ConversationTurn(role: "system", text: text)]))
        #expect(format?.outputs == [FieldMarkerField(name: "answer", kind: .integer), FieldMarkerField(name: "ok", kind: .boolean)])
    }

    @Test func stopStringsCutAtTheEarliest() {
        #expect(StopSequences.cut("a\nObservation: b", at: ["zz", "\nObservation"]) == "a")
        #expect(StopSequences.cut("abc", at: ["c", "b"]) == "a")
        #expect(StopSequences.strings(in: .array([.string("x"), .number(3), .string("")])) == ["x"])
    }
}
