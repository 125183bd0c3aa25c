/// `malformed_chunk after_events=N [mode=not_json|truncated|no_terminator]`: event N+1 (index N) of
/// a streamed answer is replaced by a broken one; the rest of the stream follows. When the stream
/// has no such event, the broken one is added at the last event's time, made from the last
/// event that is not a done marker (renumbered where the dialect numbers events), or from the
/// dialect's minimal event. A whole answer is left unchanged.
///
/// - `not_json` (default): compatible `data: <html><body>502 Bad Gateway</body></html>`; native:
///   the event's own `id:`/`event:`/`:HTTP_STATUS/` lines with that HTML as its `data:`.
/// - `truncated`: the event's `data:` payload cut to half its UTF-8 length (at a character
///   boundary, so the bytes stay valid UTF-8), framing and blank line kept.
/// - `no_terminator`: the event without its final blank line, so it merges with the next one.
public struct MalformedChunkFault: Fault {
    public static let kind = "malformed_chunk"
    public static let parameterNames: Set<String> = ["after_events", "mode"]

    public enum Mode: String, Sendable, CaseIterable {
        case notJSON = "not_json"
        case truncated
        case noTerminator = "no_terminator"
    }

    public var afterEvents: Int
    public var mode: Mode

    static let notJSONPayload = "<html><body>502 Bad Gateway</body></html>"

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        guard let after = try parameters.int("after_events") else {
            throw .missingParameter(kind: Self.kind, expected: "after_events=N (the event after the first N is broken)")
        }
        afterEvents = after
        mode = try parameters.choice("mode", Mode.allCases.map(\.rawValue)).flatMap(Mode.init(rawValue:)) ?? .notJSON
    }

    public var description: String { "\(Self.kind) after_events=\(afterEvents) mode=\(mode.rawValue)" }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        let dialect = context.dialect
        let rewrite: @Sendable (String) -> String = { [self] event in broken(event, dialect) }
        if PlanCutting.addLiveEffect(LiveEffect(unit: .events, count: afterEvents, action: .rewrite(rewrite)), to: &plan) { return }
        guard !PlanCutting.isLive(plan) else { return }
        guard case .events(var events) = plan.body else { return }
        if afterEvents < events.count {
            events[afterEvents].bytes = Array(broken(String(decoding: events[afterEvents].bytes, as: UTF8.self), dialect).utf8)
        } else {
            let number = events.count + 1
            let template = events.last(where: { !dialect.isDone($0.bytes) }).map { String(decoding: $0.bytes, as: UTF8.self) }
            let text = template.map { dialect.renumbered($0, as: number) }
                ?? dialect.minimalEvent(number: number, requestID: context.requestID, payload: nil)
            events.append(PlannedEvent(atMs: events.last?.atMs ?? 0, text: broken(text, dialect)))
        }
        plan.body = .events(events)
    }

    /// `event` broken according to the mode.
    func broken(_ event: String, _ dialect: any ErrorDialect) -> String {
        switch mode {
        case .notJSON:
            return dialect.replacingPayload(of: event, with: Self.notJSONPayload)
        case .truncated:
            return EventText.replacingData(of: event) { Self.firstHalf(of: $0) }
        case .noTerminator:
            return event.hasSuffix("\n\n") ? String(event.dropLast()) : event
        }
    }

    /// The first half of `text` by UTF-8 length, ending on a character boundary.
    static func firstHalf(of text: String) -> String {
        let target = text.utf8.count / 2
        var result = ""
        var length = 0
        for scalar in text.unicodeScalars {
            let size = String(scalar).utf8.count
            guard length + size <= target else { break }
            result.unicodeScalars.append(scalar)
            length += size
        }
        return result
    }
}
