import Testing
@testable import MockScope
import MockScopeHTTPTypes

// MARK: - Plans and helpers

private let requestID = "0f1e2d3c-4b5a-4697-8877-665544332211"

private struct FaultTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A compatible-mode stream: 5 `data:` chunks at 300, 330, ... 420 ms, then `[DONE]` at 450 ms.
private func compatStream() -> ResponsePlan {
    var texts: [String] = []
    for index in 0 ..< 5 {
        let finish = index == 4 ? #""stop""# : "null"
        texts.append(#"data: {"choices":[{"delta":{"content":"piece \#(index)"},"index":0,"logprobs":null,"finish_reason":\#(finish)}],"object":"chat.completion.chunk","usage":null,"created":1745485391,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-\#(requestID)"}"# + "\n\n")
    }
    texts.append("data: [DONE]\n\n")
    let events = texts.enumerated().map { PlannedEvent(atMs: 300 + 30 * Double($0.offset), text: $0.element) }
    return ResponsePlan(status: 200, headers: ProtocolResponses.headers(contentType: "text/event-stream;charset=UTF-8", requestID: requestID),
                        body: .events(events))
}

/// A native stream: 4 `event:result` frames at 500, 600, 700, 800 ms (non-ASCII content).
private func nativeStream() -> ResponsePlan {
    let pieces = ["从前，", "森林边住着", "一只小狐狸。", ""]
    var events: [PlannedEvent] = []
    for (index, piece) in pieces.enumerated() {
        let finish = index == 3 ? "stop" : "null"
        let json = #"{"output":{"choices":[{"message":{"content":"\#(piece)","role":"assistant"},"finish_reason":"\#(finish)"}]},"usage":{"total_tokens":\#(12 + index),"input_tokens":12,"output_tokens":\#(index)},"request_id":"\#(requestID)"}"#
        events.append(PlannedEvent(atMs: 500 + 100 * Double(index), text: "id:\(index + 1)\nevent:result\n:HTTP_STATUS/200\ndata:" + json + "\n\n"))
    }
    return ResponsePlan(status: 200, headers: ProtocolResponses.headers(contentType: "text/event-stream;charset=UTF-8", requestID: requestID),
                        body: .events(events))
}

private let wholeJSON = #"{"choices":[{"message":{"role":"assistant","content":"你好"},"finish_reason":"stop","index":0,"logprobs":null}],"object":"chat.completion","id":"chatcmpl-x"}"#

/// A non-stream JSON answer, with a content-length header.
private func wholePlan() -> ResponsePlan {
    var headers = ProtocolResponses.headers(contentType: "application/json", requestID: requestID)
    headers.add("content-length", String(wholeJSON.utf8.count))
    return ResponsePlan(status: 200, headers: headers, body: .whole(Array(wholeJSON.utf8)))
}

private func context(_ api: APIProtocol?, model: String? = nil, seed: UInt64 = 1) -> FaultContext {
    FaultContext(dialect: (api ?? .compatible).errorDialect, requestID: requestID, model: model, random: SeededRandom(seed: seed))
}

/// `spec` in `api`'s words, as its catalog table has them.
private func words(_ spec: ErrorSpec, _ api: APIProtocol) -> StatedError {
    api.errorDialect.stated(spec, message: nil, model: nil)
}

/// Parses `spec` and applies every fault in order.
private func applying(_ spec: String, to plan: ResponsePlan, api: APIProtocol? = .compatible, model: String? = nil,
                      seed: UInt64 = 1) throws -> ResponsePlan {
    var ctx = context(api, model: model, seed: seed)
    return try applying(spec, to: plan, context: &ctx)
}

private func applying(_ spec: String, to plan: ResponsePlan, context: inout FaultContext) throws -> ResponsePlan {
    var plan = plan
    for fault in try FaultRegistry.parse(spec) { fault.apply(to: &plan, context: &context) }
    return plan
}

private func events(_ plan: ResponsePlan) throws -> [PlannedEvent] {
    guard case .events(let events) = plan.body else { throw FaultTestError("expected a stream") }
    return events
}

private func texts(_ plan: ResponsePlan) throws -> [String] {
    try events(plan).map { String(decoding: $0.bytes, as: UTF8.self) }
}

private func times(_ plan: ResponsePlan) throws -> [Double] { try events(plan).map(\.atMs) }

private func wholeText(_ plan: ResponsePlan) throws -> String {
    guard case .whole(let bytes) = plan.body else { throw FaultTestError("expected a whole body") }
    return String(decoding: bytes, as: UTF8.self)
}

/// Every byte the plan sends, whatever its form.
private func allBytes(_ plan: ResponsePlan) -> [UInt8] {
    switch plan.body {
    case .whole(let bytes): return bytes
    case .events(let events): return events.flatMap(\.bytes)
    case .live: return []
    }
}

private func specError(_ spec: String) -> FaultSpecError? {
    do {
        _ = try FaultRegistry.parse(spec)
        return nil
    } catch {
        return error
    }
}

private func nativeStatusFrame(_ status: Int, _ json: String, id: Int = 1) -> String {
    "id:\(id)\nevent:error\n:HTTP_STATUS/\(status)\ndata:\(json)\n\n"
}

// MARK: - http_error

/// What `http_error status=N` must answer in each protocol.
struct StatusExpectation: Sendable, CustomTestStringConvertible {
    var status: Int
    var nativeCode: String
    var nativeMessage: String
    var compatibleCode: String
    var compatibleType: String
    var compatibleMessage: String
    var testDescription: String { "status \(status)" }
}

private let statusTable: [StatusExpectation] = [
    StatusExpectation(status: 400, nativeCode: "InvalidParameter",
                      nativeMessage: "Required parameter(s) missing or invalid, please check the request parameters.",
                      compatibleCode: "invalid_parameter_error", compatibleType: "invalid_request_error",
                      compatibleMessage: "Required parameter(s) missing or invalid, please check the request parameters."),
    StatusExpectation(status: 401, nativeCode: "InvalidApiKey", nativeMessage: "Invalid API-key provided.",
                      compatibleCode: "invalid_api_key", compatibleType: "invalid_request_error",
                      compatibleMessage: "Incorrect API key provided. For details, see: https://help.aliyun.com/zh/model-studio/error-code#apikey-error"),
    StatusExpectation(status: 403, nativeCode: "AccessDenied", nativeMessage: "Access denied.",
                      compatibleCode: "AccessDenied", compatibleType: "AccessDenied", compatibleMessage: "Access denied."),
    StatusExpectation(status: 404, nativeCode: "InvalidParameter", nativeMessage: "Model not exist.",
                      compatibleCode: "model_not_found", compatibleType: "invalid_request_error",
                      compatibleMessage: "The model `qwen-plus` does not exist or you do not have access to it."),
    StatusExpectation(status: 408, nativeCode: "RequestTimeOut", nativeMessage: "Request timed out, try again later.",
                      compatibleCode: "RequestTimeOut", compatibleType: "RequestTimeOut",
                      compatibleMessage: "Request timed out, try again later."),
    StatusExpectation(status: 413, nativeCode: "BadRequest.TooLarge",
                      nativeMessage: "Payload Too Large: the request body exceeds the size limit.",
                      compatibleCode: "BadRequest.TooLarge", compatibleType: "invalid_request_error",
                      compatibleMessage: "Payload Too Large: the request body exceeds the size limit."),
    StatusExpectation(status: 429, nativeCode: "Throttling.RateQuota", nativeMessage: "Requests rate limit exceeded, please try again later.",
                      compatibleCode: "limit_requests", compatibleType: "limit_requests",
                      compatibleMessage: "You have exceeded your current request limit. For details, see: https://help.aliyun.com/zh/model-studio/error-code#rate-limit"),
    StatusExpectation(status: 500, nativeCode: "InternalError",
                      nativeMessage: "An internal error has occured, please try again later or contact service support.",
                      compatibleCode: "internal_error", compatibleType: "internal_error",
                      compatibleMessage: "An internal error has occured, please try again later or contact service support."),
    StatusExpectation(status: 503, nativeCode: "ServiceUnavailable", nativeMessage: "Service temporarily unavailable, please try again later.",
                      compatibleCode: "ServiceUnavailable", compatibleType: "ServiceUnavailable",
                      compatibleMessage: "Service temporarily unavailable, please try again later."),
    StatusExpectation(status: 504, nativeCode: "GatewayTimeout", nativeMessage: "Gateway timeout, please try again later.",
                      compatibleCode: "GatewayTimeout", compatibleType: "GatewayTimeout",
                      compatibleMessage: "Gateway timeout, please try again later."),
    StatusExpectation(status: 418, nativeCode: "MockScope.HTTPError", nativeMessage: "HTTP 418",
                      compatibleCode: "http_error", compatibleType: "http_error", compatibleMessage: "HTTP 418"),
    StatusExpectation(status: 502, nativeCode: "MockScope.HTTPError", nativeMessage: "HTTP 502",
                      compatibleCode: "http_error", compatibleType: "http_error", compatibleMessage: "HTTP 502"),
]

@Suite struct HTTPErrorFaultTests {
    @Test(arguments: statusTable)
    func statusGivesTheProtocolsUsualError(_ expected: StatusExpectation) throws {
        for base in [compatStream(), wholePlan()] {
            let native = try applying("http_error status=\(expected.status)", to: base, api: .native, model: "qwen-plus")
            #expect(native.status == expected.status)
            #expect(native.headers["content-type"] == "application/json")
            #expect(native.headers["x-request-id"] == requestID)
            #expect(native.ending == .complete)
            let nativeBody = try JSONValue.parse(try wholeText(native))
            #expect(nativeBody == .object(["code": .string(expected.nativeCode), "message": .string(expected.nativeMessage),
                                           "request_id": .string(requestID)]))

            let compat = try applying("http_error status=\(expected.status)", to: base, api: .compatible, model: "qwen-plus")
            #expect(compat.status == expected.status)
            #expect(compat.headers["content-type"] == "application/json")
            #expect(compat.headers["x-request-id"] == requestID)
            let compatBody = try JSONValue.parse(try wholeText(compat))
            #expect(compatBody == .object([
                "error": .object(["message": .string(expected.compatibleMessage), "type": .string(expected.compatibleType),
                                  "param": .null, "code": .string(expected.compatibleCode)]),
                "request_id": .string(requestID),
            ]))
        }
    }

    @Test func everyCatalogEntryInBothProtocols() throws {
        for spec in ErrorCatalog.all {
            for api in [APIProtocol.native, .compatible] {
                let plan = try applying("http_error code=\(spec.name)", to: compatStream(), api: api)
                let stated = words(spec, api)
                #expect(plan.status == stated.status, "\(spec.name) \(api)")
                #expect(plan.headers["x-request-id"] == requestID)
                let reference = api.errorDialect.errorPlan(spec, requestID: requestID)
                #expect(try wholeText(plan) == (try wholeText(reference)), "\(spec.name) \(api)")
                if api == .compatible, stated.code.isEmpty {
                    #expect(try wholeText(plan).isEmpty)
                    continue
                }
                let body = try JSONValue.parse(try wholeText(plan))
                if api == .native {
                    #expect(body["code"]?.stringValue == stated.code)
                    #expect(body["message"]?.stringValue == stated.message)
                    #expect(body["request_id"]?.stringValue == requestID)
                } else {
                    #expect(body["error"]?["code"]?.stringValue == stated.code)
                    #expect(body["error"]?["type"]?.stringValue == stated.type)
                    #expect(body["error"]?["message"]?.stringValue == stated.message)
                }
            }
        }
    }

    @Test func statusAndCodeTogetherSendTheEntryWithThatStatus() throws {
        let plan = try applying("http_error status=503 code=arrearage", to: wholePlan(), api: .native)
        #expect(plan.status == 503)
        let body = try JSONValue.parse(try wholeText(plan))
        #expect(body["code"]?.stringValue == "Arrearage")
        #expect(body["message"]?.stringValue == words(ErrorCatalog.arrearage, .native).message)
        // code alone keeps the entry's own status per protocol.
        #expect(try applying("http_error code=model_not_found", to: wholePlan(), api: .native).status == 400)
        #expect(try applying("http_error code=model_not_found", to: wholePlan(), api: .compatible).status == 404)
    }

    @Test func quotedMessageReplacesTheWording() throws {
        let spec = #"http_error status=400 message="Range of input length should be [1, 129024]""#
        let native = try JSONValue.parse(try wholeText(try applying(spec, to: wholePlan(), api: .native)))
        #expect(native["message"]?.stringValue == "Range of input length should be [1, 129024]")
        #expect(native["code"]?.stringValue == "InvalidParameter")
        let compat = try JSONValue.parse(try wholeText(try applying(spec, to: wholePlan(), api: .compatible)))
        #expect(compat["error"]?["message"]?.stringValue == "Range of input length should be [1, 129024]")
        let escaped = try JSONValue.parse(try wholeText(try applying(#"http_error status=500 message="a \"b\"; c""#, to: wholePlan())))
        #expect(escaped["error"]?["message"]?.stringValue == #"a "b"; c"#)
    }

    @Test func modelPlaceholderIsFilledOnlyWhenTheModelIsKnown() throws {
        let known = try JSONValue.parse(try wholeText(try applying("http_error code=model_not_found", to: wholePlan(), model: "qwen-max")))
        #expect(known["error"]?["message"]?.stringValue == "The model `qwen-max` does not exist or you do not have access to it.")
        let unknown = try JSONValue.parse(try wholeText(try applying("http_error code=model_not_found", to: wholePlan())))
        #expect(unknown["error"]?["message"]?.stringValue == words(ErrorCatalog.modelNotFound, .compatible).message)
    }

    @Test func sseFormatNative() throws {
        let plan = try applying("http_error status=429 format=sse", to: nativeStream(), api: .native)
        #expect(plan.status == 429)
        #expect(plan.headers["content-type"] == "text/event-stream;charset=UTF-8")
        #expect(plan.headers["x-request-id"] == requestID)
        let frame = nativeStatusFrame(429, #"{"code":"Throttling.RateQuota","message":"Requests rate limit exceeded, please try again later.","request_id":"\#(requestID)"}"#)
        #expect(try texts(plan) == [frame])
        #expect(try times(plan) == [0])
        #expect(plan.ending == .complete)
    }

    @Test func sseFormatCompatible() throws {
        let plan = try applying("http_error status=400 format=sse code=data_inspection_failed", to: compatStream(), api: .compatible)
        #expect(plan.status == 400)
        #expect(plan.headers["content-type"] == "text/event-stream")
        #expect(plan.headers["x-request-id"] == requestID)
        let body = try texts(plan).joined()
        #expect(body == #"data: {"error":{"code":"data_inspection_failed","param":null,"message":"Input data may contain inappropriate content.","type":"data_inspection_failed"},"id":"chatcmpl-\#(requestID)"}"# + "\n\n")
        let json = try JSONValue.parse(String(body.dropFirst("data: ".count).dropLast(2)))
        #expect(json["id"]?.stringValue == "chatcmpl-\(requestID)")
        #expect(json["error"]?["param"] == .null)
    }

    @Test func sseFormatUncataloguedStatusAndNoAPI() throws {
        let plan = try applying("http_error status=418 format=sse", to: wholePlan(), api: nil)
        #expect(plan.status == 418)
        #expect(try texts(plan).joined() == #"data: {"error":{"code":"http_error","param":null,"message":"HTTP 418","type":"http_error"},"id":"chatcmpl-\#(requestID)"}"# + "\n\n")
        let native = try applying("http_error status=418 format=sse", to: wholePlan(), api: .native)
        #expect(try texts(native) == [nativeStatusFrame(418, #"{"code":"MockScope.HTTPError","message":"HTTP 418","request_id":"\#(requestID)"}"#)])
    }

    @Test func htmlFormatIsAGatewayPage() throws {
        for api in [APIProtocol.native, .compatible] {
            let plan = try applying("http_error status=503 format=html", to: compatStream(), api: api)
            #expect(plan.status == 503)
            #expect(plan.headers["content-type"] == "text/html")
            #expect(plan.headers["x-request-id"] == requestID)
            let page = try wholeText(plan)
            #expect(page.hasPrefix("<html><body><h1>503 Service Temporarily Unavailable</h1>"))
            #expect(page.hasSuffix("</html>\n"))
            #expect(!page.contains("{"))
        }
        let bad = try wholeText(try applying(#"http_error status=502 format=html message="<up & down>""#, to: wholePlan()))
        #expect(bad.hasPrefix("<html><body><h1>502 Bad Gateway</h1><p>&lt;up &amp; down&gt;</p>"))
    }

    @Test func retryHeadersOnlyWhenAsked() throws {
        let plain = try applying("http_error status=429", to: wholePlan())
        #expect(plain.headers["retry-after"] == nil)
        #expect(plain.headers["retry-after-ms"] == nil)
        #expect(plain.headers["x-should-retry"] == nil)
        let asked = try applying("http_error status=429 retry_after=2 retry_after_ms=1500 should_retry=false", to: wholePlan())
        #expect(asked.headers["retry-after"] == "2")
        #expect(asked.headers["retry-after-ms"] == "1500")
        #expect(asked.headers["x-should-retry"] == "false")
        #expect(try applying("http_error status=500 should_retry=true retry_after=0.5", to: wholePlan()).headers["x-should-retry"] == "true")
        #expect(try applying("http_error status=500 retry_after=0.5", to: wholePlan()).headers["retry-after"] == "0.5")
    }

    @Test func replacesTheWholeAnswerButKeepsAnEarlierWait() throws {
        var stream = compatStream()
        stream.ending = .drop
        let plan = try applying("latency ms=250; http_error status=500", to: stream)
        #expect(plan.firstByteDelayMs == 250)
        #expect(plan.ending == .complete)
        #expect(!plan.isStream)
        #expect(plan.headers["content-length"] == nil)
        #expect(!(try wholeText(plan)).contains("chat.completion.chunk"))
    }

    @Test func invalidURLInCompatibleModeIsAnEmpty404UnlessAMessageIsAsked() throws {
        let empty = try applying("http_error code=invalid_url", to: wholePlan(), api: .compatible)
        #expect(empty.status == 404)
        #expect(try wholeText(empty).isEmpty)
        let worded = try applying(#"http_error code=invalid_url message="no such path""#, to: wholePlan(), api: .compatible)
        let body = try JSONValue.parse(try wholeText(worded))
        #expect(body["error"]?["code"]?.stringValue == "http_error")
        #expect(body["error"]?["message"]?.stringValue == "no such path")
    }
}

// MARK: - latency

@Suite struct LatencyFaultTests {
    @Test func fixedAddsToThePlannedWait() throws {
        #expect(try applying("latency ms=120", to: compatStream()).firstByteDelayMs == 120)
        var plan = wholePlan()
        plan.firstByteDelayMs = 30
        #expect(try applying("latency ms=120", to: plan).firstByteDelayMs == 150)
        #expect(try applying("latency ms=100; latency ms=50", to: plan).firstByteDelayMs == 180)
        // Events are not moved.
        #expect(try times(try applying("latency ms=120", to: compatStream())) == (try times(compatStream())))
    }

    @Test func uniformWithASeedIsDeterministic() throws {
        let first = try #require(try applying("latency min=100 max=200 seed=7", to: wholePlan()).firstByteDelayMs)
        let again = try #require(try applying("latency min=100 max=200 seed=7", to: wholePlan(), seed: 99).firstByteDelayMs)
        let other = try #require(try applying("latency min=100 max=200 seed=8", to: wholePlan()).firstByteDelayMs)
        var reference = SeededRandom(seed: 7)
        #expect(first == reference.uniform(100, 200))
        #expect(first == again)
        #expect(first != other)
        #expect((100 ... 200).contains(first) && (100 ... 200).contains(other))
    }

    @Test func withoutASeedItDrawsFromTheContext() throws {
        var a = context(.compatible, seed: 5)
        var b = context(.compatible, seed: 5)
        let x = try applying("latency min=0 max=1000", to: wholePlan(), context: &a).firstByteDelayMs
        let y = try applying("latency min=0 max=1000", to: wholePlan(), context: &b).firstByteDelayMs
        #expect(x == y)
        #expect(a.random != SeededRandom(seed: 5))
        let z = try applying("latency min=0 max=1000", to: wholePlan(), context: &a).firstByteDelayMs
        #expect(z != x)
    }

    @Test func normalIsDeterministicAndClampedAtZero() throws {
        let first = try #require(try applying("latency mean=500 stddev=100 seed=3", to: wholePlan()).firstByteDelayMs)
        var reference = SeededRandom(seed: 3)
        #expect(first == max(0, reference.normal(mean: 500, stddev: 100)))
        #expect(first == (try applying("latency mean=500 stddev=100 seed=3", to: wholePlan()).firstByteDelayMs))
        #expect(first != (try applying("latency mean=500 stddev=100 seed=4", to: wholePlan()).firstByteDelayMs))
        var zeros = 0
        for seed in 1 ... 40 {
            let wait = try #require(try applying("latency mean=0 stddev=1000 seed=\(seed)", to: wholePlan()).firstByteDelayMs)
            #expect(wait >= 0)
            if wait == 0 { zeros += 1 }
        }
        #expect(zeros > 0 && zeros < 40)
    }
}

// MARK: - slow_chunks

@Suite struct SlowChunksFaultTests {
    let original: [Double] = [300, 330, 360, 390, 420, 450]

    @Test func msAddsAGapBeforeEveryEvent() throws {
        let plan = try applying("slow_chunks ms=100", to: compatStream())
        #expect(try times(plan) == [400, 530, 660, 790, 920, 1050])
        #expect(try texts(plan) == (try texts(compatStream())))
    }

    @Test func factorMultipliesEveryGap() throws {
        #expect(try times(try applying("slow_chunks factor=2", to: compatStream())) == [600, 660, 720, 780, 840, 900])
        #expect(try times(try applying("slow_chunks factor=0.5", to: nativeStream(), api: .native)) == [250, 300, 350, 400])
    }

    @Test func jitterIsRandomButSeeded() throws {
        let a = try times(try applying("slow_chunks min=10 max=20 seed=5", to: compatStream()))
        let b = try times(try applying("slow_chunks min=10 max=20 seed=5", to: compatStream()))
        let c = try times(try applying("slow_chunks min=10 max=20 seed=6", to: compatStream()))
        #expect(a == b)
        #expect(a != c)
        var previousNew = 0.0, previousOld = 0.0
        for (new, old) in zip(a, original) {
            let extra = (new - previousNew) - (old - previousOld)
            #expect(extra >= 10 - 1e-9 && extra <= 20 + 1e-9)
            previousNew = new
            previousOld = old
        }
    }

    @Test func aWholeBodyIsLeftAlone() throws {
        let plan = try applying("slow_chunks ms=100 bytes_per_second=10", to: wholePlan())
        #expect(try wholeText(plan) == wholeJSON)
    }

    /// Round two, finding 10: the rate goes with the plan and the events stay whole (before, they
    /// were cut into `rate/50`-byte pieces here: one array per byte at 1 B/s). The HTTP layer paces
    /// them (`PacedStreamTests`).
    @Test func bandwidthKeepsTheEventsWholeAndPacesThePlan() throws {
        let source = compatStream()
        let plan = try applying("slow_chunks bytes_per_second=1000", to: source)
        #expect(try events(plan) == events(source))
        #expect(plan.bytesPerSecond == 1000)
        #expect(plan.httpResponse().bytesPerSecond == 1000)
        // Of two rates, the lower holds.
        let twice = try applying("slow_chunks bytes_per_second=10", to: applying("slow_chunks bytes_per_second=1000", to: source))
        #expect(twice.bytesPerSecond == 10)
        let once = try applying("slow_chunks bytes_per_second=1000", to: applying("slow_chunks bytes_per_second=10", to: source))
        #expect(once.bytesPerSecond == 10)
    }

    @Test func delayComesBeforeBandwidth() throws {
        let plan = try applying("slow_chunks ms=1000 bytes_per_second=1000000", to: nativeStream(), api: .native)
        let delayed = try events(plan)
        #expect(allBytes(plan) == allBytes(nativeStream()))
        #expect(delayed.count == (try events(nativeStream())).count)
        #expect(delayed.map(\.atMs) == [1500, 2600, 3700, 4800])
        #expect(plan.bytesPerSecond == 1_000_000)
    }
}

// MARK: - stall, drop, reset

struct CutExpectation: Sendable, CustomTestStringConvertible {
    var spec: String
    var ending: StreamEnding
    var testDescription: String { spec }
}

@Suite struct CuttingFaultTests {
    @Test(arguments: [
        CutExpectation(spec: "stall", ending: .stall(nanos: nil)),
        CutExpectation(spec: "stall ms=1500", ending: .stall(nanos: 1_500_000_000)),
        CutExpectation(spec: "drop", ending: .drop),
        CutExpectation(spec: "reset", ending: .reset),
    ])
    func cutsAtEventsAndBytes(_ expected: CutExpectation) throws {
        let source = compatStream()
        let sourceEvents = try events(source)

        let byEvents = try applying("\(expected.spec) after_events=2", to: source)
        #expect(byEvents.ending == expected.ending)
        #expect(byEvents.status == 200)
        #expect(try events(byEvents) == Array(sourceEvents.prefix(2)))

        let cut = sourceEvents[0].bytes.count + 10
        let byBytes = try applying("\(expected.spec) after_bytes=\(cut)", to: source)
        #expect(byBytes.ending == expected.ending)
        let kept = try events(byBytes)
        #expect(kept.count == 2)
        #expect(kept[0] == sourceEvents[0])
        #expect(kept[1] == PlannedEvent(atMs: sourceEvents[1].atMs, bytes: Array(sourceEvents[1].bytes.prefix(10))))
        #expect(allBytes(byBytes) == Array(allBytes(source).prefix(cut)))

        let nativeCut = try applying("\(expected.spec) after_events=1", to: nativeStream(), api: .native)
        #expect(try events(nativeCut) == Array(try events(nativeStream()).prefix(1)))
        #expect(nativeCut.ending == expected.ending)

        let nothing = try applying("\(expected.spec) after_events=0", to: source)
        #expect(try events(nothing).isEmpty)
        #expect(nothing.ending == expected.ending)
    }

    @Test(arguments: ["stall", "drop", "reset"])
    func aWholeBodyIsSentAsOneChunkThenCut(_ kind: String) throws {
        let plan = try applying("\(kind) after_bytes=5", to: wholePlan())
        #expect(plan.status == 200)
        #expect(plan.headers["content-type"] == "application/json")
        #expect(plan.headers["x-request-id"] == requestID)
        #expect(plan.headers["content-length"] == nil)
        #expect(try events(plan) == [PlannedEvent(atMs: 0, bytes: Array(wholeJSON.utf8.prefix(5)))])
        #expect(plan.ending != .complete)

        let whole = try applying("\(kind) after_events=1", to: wholePlan())
        #expect(try texts(whole) == [wholeJSON])
        let past = try applying("\(kind) after_bytes=100000", to: wholePlan())
        #expect(try texts(past) == [wholeJSON])
    }

    @Test func hang() throws {
        let forever = try applying("hang", to: compatStream())
        #expect(forever.hang)
        #expect(forever.hangMs == nil)
        let timed = try applying("hang ms=2000", to: wholePlan())
        #expect(timed.hang)
        #expect(timed.hangMs == 2000)
        #expect(!(try applying("latency ms=5", to: wholePlan()).hang))
    }

    @Test func composition() throws {
        let plan = try applying("latency ms=100; drop after_events=2", to: compatStream())
        #expect(plan.firstByteDelayMs == 100)
        #expect(try events(plan) == Array(try events(compatStream()).prefix(2)))
        #expect(plan.ending == .drop)
        let faults = try FaultRegistry.parse("latency ms=100; drop after_events=2")
        #expect(faults.map(\.description) == ["latency ms=100", "drop after_events=2"])
    }
}

// MARK: - malformed_chunk

@Suite struct MalformedChunkFaultTests {
    let html = "<html><body>502 Bad Gateway</body></html>"

    @Test func notJSONCompatible() throws {
        let source = try texts(compatStream())
        let plan = try applying("malformed_chunk after_events=2", to: compatStream())
        var expected = source
        expected[2] = "data: \(html)\n\n"
        #expect(try texts(plan) == expected)
        #expect(try times(plan) == (try times(compatStream())))
        #expect(plan.ending == .complete)
    }

    @Test func notJSONNative() throws {
        let plan = try applying("malformed_chunk after_events=1 mode=not_json", to: nativeStream(), api: .native)
        var expected = try texts(nativeStream())
        expected[1] = "id:2\nevent:result\n:HTTP_STATUS/200\ndata:\(html)\n\n"
        #expect(try texts(plan) == expected)
    }

    @Test func truncatedCompatible() throws {
        let source = try texts(compatStream())
        let broken = try texts(try applying("malformed_chunk after_events=2 mode=truncated", to: compatStream()))
        #expect(broken.count == source.count)
        #expect(broken[1] == source[1] && broken[3] == source[3])
        let payload = String(source[2].dropFirst("data: ".count).dropLast(2))
        #expect(broken[2] == "data: " + String(payload.utf8.prefix(payload.utf8.count / 2))! + "\n\n")
        #expect(throws: (any Error).self) { try JSONValue.parse(String(broken[2].dropFirst(6).dropLast(2))) }
    }

    @Test func truncatedNativeStaysValidUTF8() throws {
        let source = try events(nativeStream())
        let plan = try applying("malformed_chunk after_events=0 mode=truncated", to: nativeStream(), api: .native)
        let bytes = try events(plan)[0].bytes
        let text = try #require(String(validating: bytes, as: UTF8.self))
        let head = "id:1\nevent:result\n:HTTP_STATUS/200\ndata:"
        #expect(text.hasPrefix(head) && text.hasSuffix("\n\n"))
        let payload = text.dropFirst(head.count).dropLast(2)
        let originalPayload = String(decoding: source[0].bytes, as: UTF8.self).dropFirst(head.count).dropLast(2)
        #expect(originalPayload.hasPrefix(payload))
        #expect(payload.utf8.count <= originalPayload.utf8.count / 2)
        #expect(payload.utf8.count >= originalPayload.utf8.count / 2 - 3)
        #expect(Array(try events(plan).dropFirst()) == Array(source.dropFirst()))
    }

    @Test func noTerminatorMergesWithTheNextEvent() throws {
        let source = try texts(compatStream())
        let plan = try applying("malformed_chunk after_events=2 mode=no_terminator", to: compatStream())
        let broken = try texts(plan)
        #expect(broken[2] == String(source[2].dropLast()))
        #expect(broken[2].hasSuffix("}\n") && !broken[2].hasSuffix("\n\n"))
        #expect((broken[2] + broken[3]).contains("}\ndata: {"))
        let native = try texts(try applying("malformed_chunk after_events=3 mode=no_terminator", to: nativeStream(), api: .native))
        #expect(native[3] == String(try texts(nativeStream())[3].dropLast()))
    }

    @Test func pastTheEndABrokenEventIsAdded() throws {
        let source = try events(compatStream())
        let plan = try applying("malformed_chunk after_events=9 mode=truncated", to: compatStream())
        let all = try events(plan)
        #expect(all.count == source.count + 1)
        #expect(Array(all.prefix(source.count)) == source)
        #expect(all.last?.atMs == source.last?.atMs)
        let added = String(decoding: try #require(all.last).bytes, as: UTF8.self)
        #expect(added.hasPrefix(#"data: {"choices""#) && added.hasSuffix("\n\n") && !added.contains("[DONE]"))

        let native = try texts(try applying("malformed_chunk after_events=4", to: nativeStream(), api: .native))
        #expect(native.count == 5)
        #expect(native[4] == "id:5\nevent:result\n:HTTP_STATUS/200\ndata:\(html)\n\n")

        let empty = ResponsePlan(status: 200, headers: HeaderFields(), body: .events([]))
        #expect(try texts(try applying("malformed_chunk after_events=0", to: empty)) == ["data: \(html)\n\n"])
    }

    @Test func aWholeBodyIsLeftAlone() throws {
        #expect(try wholeText(try applying("malformed_chunk after_events=0 mode=truncated", to: wholePlan())) == wholeJSON)
    }
}

// MARK: - stream_error

@Suite struct StreamErrorFaultTests {
    @Test func compatibleFraming() throws {
        let source = try events(compatStream())
        let plan = try applying("stream_error after_events=2", to: compatStream())
        #expect(plan.status == 200)
        #expect(plan.ending == .complete)
        #expect(plan.headers["content-type"] == "text/event-stream;charset=UTF-8")
        let all = try events(plan)
        #expect(all.count == 3)
        #expect(Array(all.prefix(2)) == Array(source.prefix(2)))
        #expect(all[2].atMs == source[2].atMs)
        let frame = String(decoding: all[2].bytes, as: UTF8.self)
        #expect(frame == #"data: {"error":{"message":"Output data may contain inappropriate content.","type":"data_inspection_failed","param":null,"code":"data_inspection_failed"}}"# + "\n\n")
        let json = try JSONValue.parse(String(frame.dropFirst("data: ".count).dropLast(2)))
        #expect(json["error"]?["code"]?.stringValue == "data_inspection_failed")
        #expect(!(try texts(plan)).contains("data: [DONE]\n\n"))
    }

    @Test func nativeFraming() throws {
        let source = try events(nativeStream())
        let plan = try applying("stream_error after_events=2 code=arrearage", to: nativeStream(), api: .native)
        #expect(plan.status == 200)
        let all = try events(plan)
        #expect(all.count == 3)
        #expect(all[2].atMs == source[2].atMs)
        let json = #"{"code":"Arrearage","message":"\#(words(ErrorCatalog.arrearage, .native).message)","request_id":"\#(requestID)"}"#
        #expect(String(decoding: all[2].bytes, as: UTF8.self) == nativeStatusFrame(400, json, id: 3))
        #expect(try JSONValue.parse(json)["code"]?.stringValue == "Arrearage")

        let throttled = try texts(try applying("stream_error after_events=4 code=rate_limit_requests", to: nativeStream(), api: .native))
        #expect(throttled.count == 5)
        #expect(throttled[4].hasPrefix("id:5\nevent:error\n:HTTP_STATUS/429\ndata:{\"code\":\"Throttling.RateQuota\""))
        #expect(try events(try applying("stream_error after_events=4", to: nativeStream(), api: .native)).last?.atMs == source[3].atMs)
    }

    @Test func nativeDefaultAndMessage() throws {
        let plan = try applying(#"stream_error after_events=0 message="bad output""#, to: nativeStream(), api: .native)
        #expect(try texts(plan) == [nativeStatusFrame(400, #"{"code":"DataInspectionFailed","message":"bad output","request_id":"\#(requestID)"}"#)])
        #expect(try times(plan) == [500])
    }

    @Test func compatiblePastTheEndDropsDone() throws {
        let source = try events(compatStream())
        let all = try texts(try applying("stream_error after_events=10 code=internal_error", to: compatStream()))
        #expect(all.count == 6)
        #expect(Array(all.prefix(5)) == source.prefix(5).map { String(decoding: $0.bytes, as: UTF8.self) })
        let json = try JSONValue.parse(String(all[5].dropFirst(6).dropLast(2)))
        #expect(json["error"]?["code"]?.stringValue == "internal_error")
        #expect(json["error"]?["message"]?.stringValue == words(ErrorCatalog.internalError, .compatible).message)
    }

    @Test func aWholeBodyIsLeftAlone() throws {
        let plan = try applying("stream_error after_events=1", to: wholePlan())
        #expect(try wholeText(plan) == wholeJSON)
        #expect(plan.status == 200)
    }
}

// MARK: - Spec errors and descriptions

@Suite struct FaultSpecTests {
    @Test func unknownKindListsTheKinds() {
        let error = specError("explode now=1")
        #expect(error == .unknownKind("explode", known: FaultRegistry.kindNames))
        let text = error?.description ?? ""
        for kind in ["http_error", "latency", "slow_chunks", "stall", "drop", "reset", "hang", "malformed_chunk", "stream_error", "rate_limit"] {
            #expect(text.contains(kind))
        }
    }

    @Test func unknownParameterListsTheAllowedOnes() {
        let error = specError("latency msec=5")
        #expect(error == .unknownParameter(kind: "latency", name: "msec", allowed: ["max", "mean", "min", "ms", "seed", "stddev"]))
        #expect(error?.description == "latency has no parameter \"msec\"; it takes: max, mean, min, ms, seed, stddev.")
        #expect(specError("drop after_events=1 ms=5") == .unknownParameter(kind: "drop", name: "ms", allowed: ["after_bytes", "after_events"]))
    }

    @Test func badValuesSayWhatIsExpected() throws {
        let cases: [(String, String, String)] = [
            ("latency ms=abc", "ms", "a number of ms from 0 to 86400000 (a day)"),
            ("latency ms=-5", "ms", "a number of ms from 0 to 86400000 (a day)"),
            ("http_error status=200", "status", "an HTTP error status from 400 to 599"),
            ("http_error status=429 format=xml", "format", "one of json, sse, html"),
            ("http_error status=429 should_retry=maybe", "should_retry", "true or false"),
            ("http_error status=429 retry_after=soon", "retry_after", "a number of seconds from 0 to 86400 (a day)"),
            ("http_error status=429 retry_after=1e30", "retry_after", "a number of seconds from 0 to 86400 (a day)"),
            ("http_error status=429 retry_after_ms=-1", "retry_after_ms", "a number of ms from 0 to 86400000 (a day)"),
            ("stall after_events=1 ms=1e30", "ms", "a number of ms from 0 to 86400000 (a day)"),
            ("malformed_chunk after_events=1 mode=garbled", "mode", "one of not_json, truncated, no_terminator"),
            ("drop after_events=-1", "after_events", "a whole number from 0 to 1000000000000"),
            ("stall after_bytes=1.5", "after_bytes", "a whole number from 0 to 1000000000000"),
            ("drop after_events=9223372036854775807", "after_events", "a whole number from 0 to 1000000000000"),
            ("slow_chunks factor=0", "factor", "a number > 0"),
            ("slow_chunks factor=5000", "factor", "a number > 0 and <= 1000"),
            ("slow_chunks bytes_per_second=0", "bytes_per_second", "a whole number from 1 to 1000000000000"),
            ("latency ms=5 seed=-1", "seed", "a whole number from 0 to 18446744073709551615"),
            ("latency min=300 max=100", "max", "a number >= min (300)"),
            ("stall after_events=1 after_bytes=5", "after_bytes", "left out when after_events is given (cut after_events=N or after_bytes=N, not both)"),
            ("latency ms=5 min=1 max=2", "ms", "left out when min is given (use ms=N, or min=A max=B, or mean=M stddev=S)"),
        ]
        for (spec, name, expected) in cases {
            let error = try #require(specError(spec), "\(spec) should fail")
            guard case let .invalidValue(_, actualName, _, actualExpected) = error else {
                Issue.record("\(spec): \(error)")
                continue
            }
            #expect(actualName == name, "\(spec)")
            #expect(actualExpected == expected, "\(spec)")
        }
        let code = try #require(specError("http_error code=nope"))
        #expect(code.description.hasPrefix("http_error code=nope is not valid: code must be an ErrorCatalog name: invalid_parameter, "))
        #expect(code.description.contains("rate_limit_requests"))
        #expect(specError("stream_error after_events=1 code=nope") != nil)
    }

    @Test func missingParameters() {
        let cases: [(String, String)] = [
            ("http_error", "http_error"), ("latency", "latency"), ("latency seed=3", "latency"), ("latency min=5", "latency"),
            ("latency mean=5", "latency"), ("latency stddev=5", "latency"), ("stall", "stall"), ("stall ms=5", "stall"),
            ("drop", "drop"), ("reset", "reset"), ("slow_chunks", "slow_chunks"), ("slow_chunks seed=1", "slow_chunks"),
            ("slow_chunks max=5", "slow_chunks"), ("malformed_chunk mode=truncated", "malformed_chunk"),
            ("stream_error code=arrearage", "stream_error"),
        ]
        for (spec, kind) in cases {
            guard case let .missingParameter(actualKind, expected)? = specError(spec) else {
                Issue.record("\(spec) should miss a parameter, got \(String(describing: specError(spec)))")
                continue
            }
            #expect(actualKind == kind)
            #expect(!expected.isEmpty)
        }
        #expect(specError("stall")?.description == "stall needs after_events=N or after_bytes=N (where to cut the answer).")
        #expect(specError("latency")?.description == "latency needs a delay: ms=N, or min=A max=B, or mean=M stddev=S (in ms).")
    }

    @Test func unclosedQuote() {
        #expect(specError(#"http_error status=400 message="abc"#) == .syntax("a quoted value is not closed"))
        #expect(specError(#"http_error status=400 message="abc"#)?.description.contains("quoted value is not closed") == true)
    }

    @Test(arguments: [
        "http_error status=429",
        "http_error code=arrearage status=503 format=sse retry_after=1.5 retry_after_ms=1500 should_retry=false",
        #"http_error status=400 message="Range of input length should be [1, 129024]""#,
        #"http_error status=400 message="quote \" and ; and \\ here" format=html"#,
        "latency ms=800", "latency min=100 max=200 seed=7", "latency mean=500 stddev=100",
        "slow_chunks ms=10 factor=1.5 min=1 max=2 bytes_per_second=4000 seed=9", "slow_chunks factor=2",
        "stall after_events=3", "stall after_bytes=10 ms=1500", "drop after_bytes=7", "reset after_events=0",
        "hang", "hang ms=3000", "malformed_chunk after_events=2 mode=no_terminator",
        #"stream_error after_events=3 code=rate_limit_tokens message="slow down""#,
    ])
    func descriptionParsesBackToTheSameFault(_ spec: String) throws {
        let faults = try FaultRegistry.parse(spec)
        #expect(faults.count == 1)
        let description = try #require(faults.first).description
        let again = try FaultRegistry.parse(description)
        #expect(again.map(\.description) == [description])
        #expect(description.hasPrefix(spec.prefix { $0 != " " }))
    }

    @Test func descriptionsAreTheHeaderSyntax() throws {
        let expected: [(String, String)] = [
            (#"http_error   status=429 message="a b""#, #"http_error status=429 message="a b""#),
            ("latency seed=4 max=2 min=1", "latency min=1 max=2 seed=4"),
            ("stall ms=2.5 after_bytes=3", "stall after_bytes=3 ms=2.5"),
            ("malformed_chunk after_events=1", "malformed_chunk after_events=1 mode=not_json"),
            ("stream_error after_events=1", "stream_error after_events=1 code=data_inspection_failed"),
        ]
        for (spec, description) in expected {
            #expect(try FaultRegistry.parse(spec).first?.description == description)
        }
    }

    @Test func liveAnswersAreLeftAlone() throws {
        let live = LiveResponse()
        let specs = ["http_error status=500", "latency ms=100", "slow_chunks ms=10 bytes_per_second=100", "stall after_bytes=3",
                     "drop after_events=1", "reset after_events=1", "hang ms=10", "malformed_chunk after_events=0",
                     "stream_error after_events=0"]
        for spec in specs {
            let plan = try applying(spec, to: ResponsePlan(status: 200, headers: HeaderFields(), body: .live(live)))
            guard case .live(let kept) = plan.body else {
                Issue.record("\(spec) replaced a live body")
                continue
            }
            #expect(kept === live)
            #expect(plan.status == 200 && plan.ending == .complete && plan.firstByteDelayMs == nil && !plan.hang, "\(spec)")
        }
    }

    @Test func everyKindIsRegisteredOnce() {
        #expect(Set(FaultRegistry.kindNames).count == FaultRegistry.kinds.count)
        // doc_shaped_events (the Responses API), task_outcome (tasks) and the nine misbehaviour kinds
        #expect(FaultRegistry.kindNames.count == 21)
    }
}
