/// `stream_error after_events=N [code=NAME] [message="..."]`: after N events of a streamed answer,
/// the error framed as the real service frames it mid-stream, at the time the next event was due
/// (or the last kept one's); then the stream ends normally. The status stays 200. The exchange's
/// `ErrorDialect` words and frames the error:
///
/// - compatible: `data: {"error":{"message","type","param":null,"code"}}` and no `[DONE]` (a
///   `[DONE]` among the first N events is left out, so the error is always seen);
/// - native: `id:<N+1>`, `event:error`, `:HTTP_STATUS/<native status>`, `data:{"code","message","request_id"}`.
///
/// `code` is an `ErrorCatalog` name (default `data_inspection_failed`; its compatible-mode
/// message mid-stream is the captured "Output data may contain inappropriate content.").
/// A whole (non-stream) answer is left unchanged: use `http_error` for those.
public struct StreamErrorFault: Fault {
    public static let kind = "stream_error"
    public static let parameterNames: Set<String> = ["after_events", "code", "message"]

    public var afterEvents: Int
    public var code: String
    public var message: String?

    public static let defaultCode = "data_inspection_failed"

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        guard let after = try parameters.int("after_events") else {
            throw .missingParameter(kind: Self.kind, expected: "after_events=N (how many events go out before the error)")
        }
        afterEvents = after
        if let text = parameters.string("code") {
            guard ErrorCatalog.named(text) != nil else {
                throw .invalidValue(kind: Self.kind, name: "code", value: text,
                                    expected: "an ErrorCatalog name: \(ErrorCatalog.all.map(\.name).joined(separator: ", "))")
            }
            code = text
        } else {
            code = Self.defaultCode
        }
        message = parameters.string("message")
    }

    public var description: String {
        FaultText.describe(Self.kind, [("after_events", String(afterEvents)), ("code", code), ("message", message)])
    }

    /// The error in `dialect`'s words mid-stream.
    func stated(in dialect: any ErrorDialect, model: String?) -> StatedError {
        dialect.statedMidStream(ErrorCatalog.named(code) ?? ErrorCatalog.dataInspectionFailed, message: message, model: model)
    }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        let dialect = context.dialect
        let error = stated(in: dialect, model: context.model)
        let frame = dialect.midStreamFrame(error, number: afterEvents + 1, requestID: context.requestID)
        if PlanCutting.addLiveEffect(LiveEffect(unit: .events, count: afterEvents, action: .insert(frame, replacesDone: dialect.errorReplacesDone)), to: &plan) { return }
        guard !PlanCutting.isLive(plan) else { return }
        guard case .events(let events) = plan.body else { return }
        var kept = Array(events.prefix(afterEvents))
        if dialect.errorReplacesDone { kept.removeAll { dialect.isDone($0.bytes) } }
        let atMs = afterEvents < events.count ? events[afterEvents].atMs : (kept.last?.atMs ?? 0)
        kept.append(PlannedEvent(atMs: atMs, text: dialect.midStreamFrame(error, number: kept.count + 1, requestID: context.requestID)))
        plan.body = .events(kept)
        plan.ending = .complete
    }
}
