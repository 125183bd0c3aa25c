import MockScope
import MockScopeHTTPTypes
@testable import MockScopeRecorder
import Testing

@Suite struct DriftShapeTests {
    private func shape(_ json: String) throws -> JSONShape { JSONShape(try JSONValue.parse(json)) }

    @Test func onlyTheOutermostAddedOrRemovedPathIsReported() throws {
        let recorded = try shape(#"{"a":{"b":1},"gone":{"x":{"y":"z"}},"list":[{"k":1}]}"#)
        let live = try shape(#"{"a":{"b":1,"c":{"d":true}},"list":[{"k":1,"n":null}]}"#)
        #expect(recorded.differences(to: live).map(\.description) == [
            "field added: $.a.c (object)",
            "field added: $.list[].n (null)",
            "field removed: $.gone (object)",
        ])
    }

    @Test func nullBesideATypeIsNoChangeButANewTypeIs() throws {
        let recorded = try shape(#"{"finish":null,"count":1}"#)
        #expect(recorded.differences(to: try shape(#"{"finish":"stop","count":1}"#)).isEmpty)
        #expect(recorded.differences(to: try shape(#"{"finish":null,"count":"1"}"#)).map(\.description)
            == ["type changed: $.count: number -> string"])
    }

    @Test func streamsCompareEventNamesCountsAndTheirDataShape() {
        let headers = HeaderFields([("content-type", "text/event-stream;charset=UTF-8"), ("x-request-id", "a")])
        func events(_ texts: [String]) -> PlannedBody { .events(texts.map { PlannedEvent(atMs: 0, text: $0) }) }
        let recorded = AnswerShape(status: 200, headers: headers, body: events(["data: {\"n\":1}\n\n", "data: [DONE]\n\n"]))
        let live = AnswerShape(status: 200, headers: HeaderFields([("Content-Type", "text/event-stream"), ("X-Request-Id", "b")]),
                               body: events(["event: ping\ndata: {}\n\n", "data: {\"n\":1,\"m\":2}\n\n", "data: [DONE]\n\n"]))
        #expect(recorded.differences(to: live) == ["events \"ping\": 0 -> 1", "field added: $.m (number)"])
        #expect(recorded.differences(to: recorded).isEmpty)
    }
}
