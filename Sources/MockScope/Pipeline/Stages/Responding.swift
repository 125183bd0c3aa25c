import MockScopeHTTPTypes

/// Stage 7: the plan in the HTTP layer's form, at the speed asked for (`X-MockScope-Speed`, else
/// the server's), journaled on the way out.
struct Responding: Sendable {
    let journaling: Journaling

    func speed(_ exchange: borrowing Exchange, settings: MockSettings) -> Double {
        ControlHeaders.speed(exchange.heads.speed) ?? settings.speed
    }

    /// A remembered fixture answer that nothing can change goes out as the response built for it
    /// once: whole, or a stream at its recorded timing. Nil when it must be planned.
    func remembered(_ request: HTTPRequest, _ exchange: inout Exchange, settings: MockSettings) -> HTTPResponse? {
        guard let hit = exchange.memo else { return nil }
        let body: HTTPBody
        if let prepared = hit.prepared {
            body = .prepared(prepared)
        } else if let chunks = hit.recordedChunks, speed(exchange, settings: settings) == 1 {
            body = .stream(chunks, ending: .complete)
        } else {
            return nil
        }
        exchange.note.retryAfterMs = hit.retryAfterMs
        let status = hit.fixture.response.status
        return HTTPResponse(status: status, headers: hit.fixture.response.headers, body: body,
                            tag: journaling.record(request, &exchange, status: status))
    }

    func run(_ request: HTTPRequest, _ exchange: inout Exchange, plan: consuming ResponsePlan) -> HTTPResponse {
        exchange.note.retryAfterMs = RetryAfter.ms(plan.headers)
        let status = plan.status
        return plan.httpResponse(tag: journaling.record(request, &exchange, status: status))
    }
}
