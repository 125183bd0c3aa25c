// Fuzz target: the fault-header parser (X-MockScope-Fault, scenario steps, --rate-limit). Text that
// parses becomes faults; each is printed back in the header syntax, which must parse to the same
// text (the journal and the admin API show faults that way), and the faults are applied, in
// order, to a streamed and a whole answer of each protocol, whose result must still be sendable.
import FuzzSupport

private let requestID = "0f1e2d3c-4b5a-4697-8877-665544332211"

private func plans() -> [(APIProtocol, ResponsePlan)] {
    let compatEvents = (0..<4).map { index in
        PlannedEvent(atMs: Double(index) * 30, text: "data: {\"choices\":[{\"delta\":{\"content\":\"piece \(index)\"},\"index\":0}],\"id\":\"chatcmpl-1\"}\n\n")
    } + [PlannedEvent(atMs: 150, text: "data: [DONE]\n\n")]
    let nativeEvents = (0..<3).map { index in
        PlannedEvent(atMs: Double(index) * 100, text: "id:\(index + 1)\nevent:result\n:HTTP_STATUS/200\ndata:{\"output\":{\"text\":\"从前\(index)\"},\"usage\":{\"output_tokens\":\(index)},\"request_id\":\"\(requestID)\"}\n\n")
    }
    let sse = ProtocolResponses.headers(contentType: "text/event-stream;charset=UTF-8", requestID: requestID)
    let json = ProtocolResponses.headers(contentType: "application/json", requestID: requestID)
    let whole = Array(#"{"choices":[{"message":{"role":"assistant","content":"你好"},"finish_reason":"stop","index":0}],"object":"chat.completion","id":"chatcmpl-x","usage":{"completion_tokens":3}}"#.utf8)
    return [
        (.compatible, ResponsePlan(status: 200, headers: sse, body: .events(compatEvents))),
        (.native, ResponsePlan(status: 200, headers: sse, body: .events(nativeEvents))),
        (.compatible, ResponsePlan(status: 200, headers: json, body: .whole(whole))),
        (.native, ResponsePlan(status: 200, headers: json, body: .whole([]))),
    ]
}

private let basePlans = plans()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFault(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    let text = String(decoding: input, as: UTF8.self)
    guard let faults = try? FaultRegistry.parse(text) else { return 0 }
    for fault in faults {
        let description = fault.description
        do {
            let again = try FaultRegistry.parse(description)
            Fuzz.require(again.count == 1 && again[0].description == description,
                         "\"\(description)\" parses back as \(again.map(\.description)), from \(Fuzz.show(input))")
        } catch {
            Fuzz.require(false, "the description \"\(description)\" does not parse back (\(error)), from \(Fuzz.show(input))")
        }
    }
    let rateLimits = RateLimiterRegistry()
    for (api, base) in basePlans {
        for attempt in 0..<2 {
            var plan = base
            var context = FaultContext(dialect: api.errorDialect, requestID: requestID, model: "qwen-plus", apiKey: "sk-fuzz",
                                       promptTokens: 12, completionTokens: 3, nowMs: Double(attempt) * 10,
                                       random: SeededRandom(seed: 7), rateLimits: rateLimits)
            for fault in faults { fault.apply(to: &plan, context: &context) }
            let request = HTTPRequest(method: "POST", path: "/", receivedAt: 0)
            ResponseChecks.check(plan.httpResponse(), for: request, input: input)
        }
    }
    return 0
}
