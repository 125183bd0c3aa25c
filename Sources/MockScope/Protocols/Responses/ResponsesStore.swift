import Synchronization

/// The Responses API's stored responses (a `ModuleState`): at most `capacity` (the oldest go
/// first), each until its retention passes on MockScope's clock. `store: false` puts nothing here.
final class ResponsesStore: ModuleState {
    private struct Contents {
        var responses: [String: StoredResponse] = [:]
        /// Ids in the order they were stored (eviction order).
        var order: [String] = []
    }

    private let contents = Mutex(Contents())

    /// Keeps `response`, forgetting the oldest beyond `capacity`.
    func put(_ response: StoredResponse, capacity: Int) {
        contents.withLock { contents in
            if contents.responses.updateValue(response, forKey: response.id) == nil { contents.order.append(response.id) }
            let excess = contents.order.count - max(capacity, 1)
            if excess > 0 {
                for id in contents.order.prefix(excess) { contents.responses[id] = nil }
                contents.order.removeFirst(excess)
            }
        }
    }

    /// The response stored under `id` (with or without its `resp_` prefix), unless it expired by `nowMs`.
    func get(_ id: String, nowMs: Double, retentionMs: Double) -> StoredResponse? {
        let key = ResponsesIDs.key(id)
        return contents.withLock { contents in
            guard let response = contents.responses[key] else { return nil }
            guard nowMs - response.storedAtMs < retentionMs else {
                contents.responses[key] = nil
                contents.order.removeAll { $0 == key }
                return nil
            }
            return response
        }
    }

    /// Forgets `id`; whether it was there (and not expired).
    func delete(_ id: String, nowMs: Double, retentionMs: Double) -> Bool {
        guard get(id, nowMs: nowMs, retentionMs: retentionMs) != nil else { return false }
        let key = ResponsesIDs.key(id)
        contents.withLock { contents in
            contents.responses[key] = nil
            contents.order.removeAll { $0 == key }
        }
        return true
    }

    var count: Int { contents.withLock { $0.responses.count } }

    func reset() { contents.withLock { $0 = Contents() } }
}
