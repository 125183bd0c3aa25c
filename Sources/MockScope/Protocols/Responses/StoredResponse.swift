/// One response kept for `previous_response_id`, retrieve, delete and `input_items`.
struct StoredResponse: Sendable {
    var id: String
    /// The Response object as create answered it (retrieve answers the same bytes).
    var body: String
    /// Every input item of the conversation up to this response (a chain's history first), with ids.
    var inputItems: [JSONValue]
    /// The response's output items.
    var output: [JSONValue]
    var model: String
    /// `created_at` of the Response, in seconds.
    var createdAt: Int
    var previousResponseID: String?
    /// When it was stored, on MockScope's clock (ms): it expires `ResponsesSettings.retentionMs` later.
    var storedAtMs: Double

    /// The conversation a response continuing this one builds on: its input, then its output.
    var conversation: [JSONValue] { inputItems + output }
}
