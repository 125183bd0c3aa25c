/// `doc_shaped_events`: a Responses API stream in the shapes of DashScope's own stream examples
/// (docs/protocol-notes.md, responses §5.6), which are not self-consistent: the message item is
/// added without `status` and with a `text` part, `response.output_text.delta` events lack
/// `item_id` and `content_index`, and `response.completed` carries neither `output` nor
/// `sequence_number`. Raw iteration of the openai SDK reads them; its `responses.stream()` helper
/// and the OpenAI Agents SDK fail on them, as they would on such bytes from DashScope.
/// Events that are not the Responses API's (`response.*`), and whole answers, are left unchanged.
public struct DocShapedEventsFault: Fault {
    public static let kind = "doc_shaped_events"
    public static let parameterNames: Set<String> = []

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {}

    public var description: String { Self.kind }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        guard !PlanCutting.isLive(plan), case .events(var events) = plan.body else { return }
        for index in events.indices {
            let text = String(decoding: events[index].bytes, as: UTF8.self)
            let shaped = EventText.replacingData(of: text) { Self.docShaped($0) ?? $0 }
            events[index].bytes = Array(shaped.utf8)
        }
        plan.body = .events(events)
    }

    /// `data` as the doc's examples write it, or nil when it is not an event these change.
    static func docShaped(_ data: String) -> String? {
        guard case .object(var event)? = try? JSONValue.parse(data), let type = event["type"]?.stringValue else { return nil }
        switch type {
        case "response.output_item.added":
            guard case .object(var item)? = event["item"], item["type"]?.stringValue == "message" else { return nil }
            item["status"] = nil
            item["content"] = [["type": "text", "text": ""]]
            event["item"] = .object(item)
        case "response.output_text.delta":
            event["item_id"] = nil
            event["content_index"] = nil
        case "response.completed":
            guard case .object(let response)? = event["response"] else { return nil }
            var kept: [String: JSONValue] = [:]
            for key in ["id", "status", "usage"] { kept[key] = response[key] }
            event = ["type": .string(type), "response": .object(kept)]
        default:
            return nil
        }
        return CanonicalJSON.string(.object(event))
    }
}
