@testable import MockScope
import Testing

/// A tool's words are kept by the whole tool: the same tool gives the same words from the table as
/// computed afresh, a tool that differs anywhere (name, description, parameters) gets its own, and
/// the table stays within its limit.
@Suite(.serialized) struct ToolWordsTests {
    static func tool(_ name: String, description: String = "Current weather for a city", property: String = "location") -> OfferedTool {
        OfferedTool(name: name, description: description, parameters: .object([
            "type": .string("object"),
            "properties": .object([property: .object(["type": .string("string"), "description": .string("The city, e.g. Tokyo")])]),
        ]))
    }

    @Test func keptWordsAreTheComputedOnes() {
        let weather = Self.tool("get_weather")
        #expect(ToolRelevance.ToolWords.of(weather) == ToolRelevance.ToolWords(weather))
        #expect(ToolRelevance.ToolWords.of(weather) == ToolRelevance.ToolWords(weather))  // from the table now
        #expect(ToolRelevance.ToolWords.of(weather).name == ["weather"])
        for other in [Self.tool("get_forecast"), Self.tool("get_weather", description: "Search the web"),
                      Self.tool("get_weather", property: "query")] {
            #expect(ToolRelevance.ToolWords.of(other) == ToolRelevance.ToolWords(other))
            #expect(ToolRelevance.ToolWords.of(other) != ToolRelevance.ToolWords.of(weather))
        }
        // The ranking reads the same words either way.
        let tools = [Self.tool("search_web", description: "Search the web for a query", property: "query"), weather]
        #expect(ToolRelevance.ranked(tools, against: "What is the weather in Tokyo?").map(\.offset) == [1, 0])
    }

    @Test func theTableStaysWithinItsLimit() {
        for index in 0..<(ToolRelevance.ToolWords.knownLimit + 10) {
            let tool = Self.tool("tool_\(index)")
            #expect(ToolRelevance.ToolWords.of(tool) == ToolRelevance.ToolWords(tool))
        }
        #expect(ToolRelevance.ToolWords.knownCount <= ToolRelevance.ToolWords.knownLimit)
    }
}
