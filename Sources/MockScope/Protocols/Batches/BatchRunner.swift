import MockScopeHTTPTypes

/// Answers a batch's input file line by line (docs/protocol-notes.md, batches): each line must be
/// a JSON object with a unique `custom_id`, `method` POST, the batch's `endpoint` as `url`, one
/// model for the whole batch, and a `body` the endpoint accepts; a good line gets the answer the
/// endpoint's module synthesizes (compatible chat, embeddings), a bad one an error line.
struct BatchRunner {
    /// The endpoints a batch may name, and the module whose synthesis answers its lines.
    static let endpoints: [String: any ProtocolModule] = [
        "/v1/chat/completions": CompatibleChatModule(),
        "/v1/chat/ds-test": CompatibleChatModule(),
        "/v1/embeddings": EmbeddingsModule(),
    ]

    let batchID: String
    let endpoint: String
    let settings: MockSettings

    func run(_ input: [UInt8]) -> BatchOutcome {
        var outcome = BatchOutcome()
        var seen: Set<String> = []
        var batchModel: String?
        let lines = input.split(separator: 0x0A, omittingEmptySubsequences: true)
        for (index, rawLine) in lines.enumerated() {
            let line = Array(rawLine.last == 0x0D ? rawLine.dropLast() : rawLine)
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let lineID = StringFormats.uuid(StableHash(batchID).derived("line#\(index)"))
            guard let object = (try? JSONValue.parse(line))?.objectValue else {
                outcome.failed.append(Self.errorLine(id: lineID, customID: nil, code: "invalid_json_line",
                                                     message: "Line \(index + 1) is not a JSON object."))
                continue
            }
            let customID = object["custom_id"]?.stringValue
            func fail(_ code: String, _ message: String) { outcome.failed.append(Self.errorLine(id: lineID, customID: customID, code: code, message: message)) }
            guard let customID, !customID.isEmpty else { fail("missing_custom_id", "Line \(index + 1) has no custom_id."); continue }
            guard seen.insert(customID).inserted else {
                fail("duplicate_custom_id", "The custom_id '\(customID)' for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.")
                continue
            }
            guard object["method"]?.stringValue == "POST" else { fail("invalid_method", "The method of this request must be POST."); continue }
            guard object["url"]?.stringValue == endpoint else {
                fail("invalid_url", "The url '\(object["url"]?.stringValue ?? "")' of this request does not match the batch's endpoint '\(endpoint)'.")
                continue
            }
            guard let body = object["body"], body.objectValue != nil else { fail("missing_body", "Line \(index + 1) has no body object."); continue }
            let model = body["model"]?.stringValue ?? ""
            if let batchModel, batchModel != model {
                fail("mismatched_model", "The model '\(model)' for this request does not match the rest of the batch. Each batch must contain requests for a single model.")
                continue
            }
            batchModel = batchModel ?? model
            switch answer(body, requestID: StringFormats.uuid(StableHash(batchID).derived("request#\(index)"))) {
            case .success(let response): outcome.completed.append(Self.outputLine(id: lineID, customID: customID, response: response))
            case .failure(let refusal):
                outcome.failed.append(Self.errorLine(id: lineID, customID: customID, code: refusal.code, message: refusal.message, response: refusal.response))
            }
        }
        return outcome
    }

    /// A line's body refused by its endpoint: the error and the response the endpoint would send.
    struct Refusal: Error {
        var code: String
        var message: String
        var response: String
    }

    /// The endpoint's answer to `body`: its response (`{"status_code","request_id","body"}`) or its refusal.
    func answer(_ body: JSONValue, requestID: String) -> Result<String, Refusal> {
        guard let module = Self.endpoints[endpoint] else {
            return .failure(Refusal(code: "invalid_url", message: "Unsupported endpoint \(endpoint).", response: "null"))
        }
        var writer = JSONWriter()
        writer.value(body)
        let request = HTTPRequest(method: "POST", path: CompatibleChatModule.path,
                                  headers: HeaderFields([("Content-Type", "application/json")]), body: Array(writer.text.utf8))
        let endpoint = Endpoint(module: module)
        switch module.validate(request, heads: RequestHeads(request.headers), endpoint: endpoint, context: settings.validationContext) {
        case let .refused(spec, message):
            let stated = module.errorDialect.stated(spec, message: message, model: body["model"]?.stringValue)
            let plan = module.errorPlan(spec, requestID: requestID, message: message)
            return .failure(Refusal(code: stated.code, message: stated.message, response: Self.response(plan, requestID: requestID)))
        case .valid(let validated):
            var request = validated
            request.stream = false
            guard let plan = module.synthesize(request, requestID: requestID) else {
                return .failure(Refusal(code: "invalid_request", message: "This request cannot be answered.", response: "null"))
            }
            return .success(Self.response(plan, requestID: requestID))
        }
    }

    /// `{"status_code":…,"request_id":…,"body":…}` of a whole answer.
    static func response(_ plan: ResponsePlan, requestID: String) -> String {
        var body = "null"
        if case .whole(let bytes) = plan.body, !bytes.isEmpty { body = String(decoding: bytes, as: UTF8.self) }
        return #"{"status_code":\#(plan.status),"request_id":"\#(requestID)","body":\#(body)}"#
    }

    static func outputLine(id: String, customID: String, response: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("id", string: id)
            o.field("custom_id", string: customID)
            o.rawField("response", response)
            o.field("error", .null)
        }
        return writer.text
    }

    /// An error file line [chosen shape: the output line's, with `error` set].
    static func errorLine(id: String, customID: String?, code: String, message: String, response: String = "null") -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("id", string: id)
            o.field("custom_id", string: customID)
            o.rawField("response", response)
            o.field("error", object: { e in
                e.field("code", string: code)
                e.field("message", string: message)
            })
        }
        return writer.text
    }
}
