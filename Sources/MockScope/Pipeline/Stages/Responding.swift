import MockScopeHTTPTypes

/// Stage 7: the plan in the HTTP layer's form, at the speed asked for (`X-MockScope-Speed`, else
/// the server's), journaled on the way out.
struct Responding: Sendable {
    let journaling: Journaling

    func speed(_ exchange: borrowing Exchange, settings: MockSettings) -> Double {
        ControlHeaders.speed(exchange.heads.speed) ?? settings.speed
    }

    /// A remembered fixture answer that nothing can change goes out as the response built for it
    /// once: whole, or a stream at its recorded timing (untagged: see `journaled`). Nil when it
    /// must be planned.
    func remembered(_ exchange: borrowing Exchange, settings: MockSettings) -> HTTPResponse? {
        guard let hit = exchange.memo else { return nil }
        if let prepared = hit.prepared {
            return HTTPResponse(status: prepared.status, headers: hit.fixture.response.headers, body: .prepared(prepared))
        }
        if let chunks = hit.recordedChunks, speed(exchange, settings: settings) == 1 {
            return HTTPResponse(status: hit.fixture.response.status, headers: hit.fixture.response.headers,
                                body: .stream(chunks, ending: .complete))
        }
        return nil
    }

    /// `response`, journaled (a remembered answer: its retry-after is the fixture's).
    func journaled(_ response: consuming HTTPResponse, _ exchange: consuming Exchange) -> HTTPResponse {
        exchange.note.retryAfterMs = exchange.memo?.retryAfterMs
        response.tag = journaling.record(exchange, status: response.status)
        return response
    }

    func run(_ exchange: consuming Exchange, plan: consuming ResponsePlan) -> HTTPResponse {
        exchange.note.retryAfterMs = RetryAfter.ms(plan.headers)
        let status = plan.status
        return plan.httpResponse(tag: journaling.record(exchange, status: status))
    }
}
