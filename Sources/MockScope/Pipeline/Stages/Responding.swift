import MockScopeHTTPTypes

/// Stage 7: the plan in the HTTP layer's form, at the speed asked for (`X-MockScope-Speed`, else
/// the server's), journaled on the way out.
struct Responding: Sendable {
    let journaling: Journaling

    func speed(_ exchange: borrowing Exchange, settings: MockSettings) -> Double {
        ControlHeaders.speed(exchange.heads.speed) ?? settings.speed
    }

    /// The body a remembered fixture answer that nothing can change goes out with: the response
    /// built for it once, or a stream's timed chunks at its recorded timing. Nil when it must be planned.
    func rememberedBody(_ hit: DecisionMemo.Hit, speed: Double) -> HTTPBody? {
        if let prepared = hit.prepared { return .prepared(prepared) }
        if let chunks = hit.recordedChunks, speed == 1 { return .stream(chunks, ending: .complete) }
        return nil
    }

    /// A remembered answer with `body`, journaled.
    func run(_ request: HTTPRequest, _ exchange: inout Exchange, remembered hit: DecisionMemo.Hit, body: consuming HTTPBody) -> HTTPResponse {
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
