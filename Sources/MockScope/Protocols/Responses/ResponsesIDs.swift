/// The identifiers of the Responses API (docs/protocol-notes.md, responses §4.2): a response is
/// `resp_` + a UUID, every output and input item `msg_` + a UUID, a function call's `call_id`
/// `call_` + 22 hex digits (as chat completions').
enum ResponsesIDs {
    static let responsePrefix = "resp_"

    /// The response answering request `requestID` (its id is unique, as the request's).
    static func response(_ requestID: String) -> String { responsePrefix + requestID }

    /// An item id from `hash`: `msg_` and the hash's digits in a UUID's groups.
    static func item(_ hash: StableHash) -> String {
        let hex = Array(hash.hex(32))
        func group(_ range: Range<Int>) -> String { String(hex[range]) }
        return "msg_" + [group(0..<8), group(8..<12), group(12..<16), group(16..<20), group(20..<32)].joined(separator: "-")
    }

    /// A stored response's key: a bare UUID (the create page's examples) finds the `resp_` one too.
    static func key(_ id: String) -> String { id.hasPrefix(responsePrefix) ? id : responsePrefix + id }
}
