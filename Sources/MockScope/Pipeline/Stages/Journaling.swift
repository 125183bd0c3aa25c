import MockScopeHTTPTypes

/// Stage 6: the exchange is journaled when its answer is decided, before its first byte is sent,
/// so a client that has read its answer finds it. The record is the response's tag: the HTTP
/// layer hands it back when the exchange completes, and the outcome is filled in then.
struct Journaling: Sendable {
    let journal: Journal

    func record(_ request: HTTPRequest, _ exchange: inout Exchange, status: Int) -> JournalRecord {
        let record = JournalRecord(request: request, note: exchange.takeNote(), status: status)
        journal.record(record)
        return record
    }
}
