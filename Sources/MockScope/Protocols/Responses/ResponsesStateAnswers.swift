import MockScopeHTTPTypes

/// The answers made from stored responses (docs/protocol-notes.md, responses §6): retrieve the
/// Response as create sent it, delete it, list its conversation's input items, and the 404 for an
/// id the store does not have (never stored, `store: false`, deleted or expired).
enum ResponsesStateAnswers {
    static func retrieve(_ stored: StoredResponse, requestID: String) -> ResponsePlan {
        ChatSynthesis.wholePlan(stored.body, requestID: requestID)
    }

    /// `{"deleted":true,"id":…}` (no `object` member, unlike OpenAI's).
    static func deleted(_ id: String, requestID: String) -> ResponsePlan {
        var writer = JSONWriter()
        writer.object { o in
            o.field("deleted", .bool(true))
            o.field("id", string: id)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }

    /// 404 `{"error":{"message":"Response with id '…' not found.","type":"InvalidParameter"}}` (the delete page's body).
    static func notFound(_ id: String, requestID: String) -> ResponsePlan {
        var writer = JSONWriter()
        writer.object { o in
            o.field("error") { e in
                e.field("message", string: "Response with id '\(id)' not found.")
                e.field("type", string: "InvalidParameter")
            }
        }
        var plan = ChatSynthesis.wholePlan(writer.text, requestID: requestID)
        plan.status = 404
        return plan
    }

    /// One page of `stored`'s input items: `after` (an item id), `limit` 1–100 (default 20),
    /// `order` `asc` | `desc` (default `desc`, newest first); or the problem with the query.
    static func inputItems(_ stored: StoredResponse, query: [(name: String, value: String)], requestID: String)
        -> Result<ResponsePlan, ResponsesInputProblem> {
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        var limit = 20
        if let text = value("limit") {
            guard let number = Int(text), (1...100).contains(number) else {
                return .failure(ResponsesInputProblem(spec: ErrorCatalog.invalidParameter,
                                                      message: "[400] invalid_value: Invalid 'limit': expected an integer from 1 to 100, but got '\(text)' instead."))
            }
            limit = number
        }
        let order = value("order") ?? "desc"
        guard order == "asc" || order == "desc" else { return .failure(.invalidValue("order", order, supported: ["asc", "desc"])) }
        var items = order == "asc" ? stored.inputItems : stored.inputItems.reversed()
        if let after = value("after"), let index = items.firstIndex(where: { $0["id"]?.stringValue == after }) {
            items = Array(items[(index + 1)...])
        }
        let page = Array(items.prefix(limit))
        var writer = JSONWriter()
        writer.object { o in
            o.rawField("data", "[" + page.map(CanonicalJSON.string).joined(separator: ",") + "]")
            o.field("first_id", string: page.first?["id"]?.stringValue)
            o.field("last_id", string: page.last?["id"]?.stringValue)
            o.field("has_more", .bool(items.count > page.count))
            o.field("id", string: stored.id)
            o.field("model", string: stored.model)
            o.field("created_at", .number(Double(stored.createdAt) * 1000))
            o.field("previous_response_id", string: stored.previousResponseID)
        }
        return .success(ChatSynthesis.wholePlan(writer.text, requestID: requestID))
    }
}
