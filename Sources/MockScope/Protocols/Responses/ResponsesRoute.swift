/// What a Responses API path names (its `Endpoint.detail`): create, one stored response, or
/// its input items.
enum ResponsesRoute: Equatable {
    case create
    case response(id: String)
    case inputItems(id: String)

    static let inputItemsSuffix = "/input_items"

    /// The route of `rest`, the path after `…/responses` (nil: not a Responses path).
    init?(rest: Substring) {
        if rest.isEmpty { self = .create; return }
        guard rest.hasPrefix("/") else { return nil }
        let tail = rest.dropFirst()
        if tail.hasSuffix(Self.inputItemsSuffix) {
            let id = tail.dropLast(Self.inputItemsSuffix.count)
            guard !id.isEmpty, !id.contains("/") else { return nil }
            self = .inputItems(id: String(id))
        } else {
            guard !tail.isEmpty, !tail.contains("/") else { return nil }
            self = .response(id: String(tail))
        }
    }

    /// The route of an endpoint's `detail`.
    init(detail: String) { self = ResponsesRoute(rest: Substring(detail)) ?? .create }

    /// The endpoint detail that names it.
    var detail: String {
        switch self {
        case .create: return ""
        case .response(let id): return "/" + id
        case .inputItems(let id): return "/" + id + Self.inputItemsSuffix
        }
    }

    /// The methods DashScope answers on it.
    var methods: [String] {
        switch self {
        case .create: return ["POST"]
        case .response: return ["GET", "DELETE"]
        case .inputItems: return ["GET"]
        }
    }

    /// The path's shape for metrics (no ids: they would be a label per response).
    var metricSuffix: String {
        switch self {
        case .create: return ""
        case .response: return "/{response_id}"
        case .inputItems: return "/{response_id}/input_items"
        }
    }
}
