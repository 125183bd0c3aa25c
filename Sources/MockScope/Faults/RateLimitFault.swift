/// `rate_limit rpm=N tpm=N scope=key_model|key|global`: per-minute request and token windows;
/// over a limit, the real 429 (requests: `rate_limit_requests`, tokens: `rate_limit_tokens`).
/// Without rpm and tpm, the model tier's documented defaults apply (`RateLimitDefaults`).
public struct RateLimitFault: Fault {
    public static let kind = "rate_limit"
    public static let parameterNames: Set<String> = ["rpm", "tpm", "scope"]

    public var rpm: Int?
    public var tpm: Int?
    public var scope: String

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        rpm = try parameters.int("rpm", atLeast: 1)
        tpm = try parameters.int("tpm", atLeast: 1)
        scope = try parameters.choice("scope", ["key_model", "key", "global"]) ?? "key_model"
    }

    public var description: String {
        var text = Self.kind
        if let rpm { text += " rpm=\(rpm)" }
        if let tpm { text += " tpm=\(tpm)" }
        return text + " scope=\(scope)"
    }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        guard let registry = context.rateLimits else { return }
        // A pending forward is charged and refused too (a 429 before forwarding).
        if PlanCutting.isStartedLive(plan) { return }
        var limits: (rpm: Int?, tpm: Int?) = (rpm, tpm)
        if rpm == nil, tpm == nil {
            let defaults = RateLimitDefaults.limits(for: context.model)
            limits = (defaults.rpm, defaults.tpm)
        }
        let key: RateWindowKey
        switch scope {
        case "key": key = RateWindowKey(rpm: limits.rpm, tpm: limits.tpm, apiKey: context.apiKey ?? "", model: nil)
        case "global": key = RateWindowKey(rpm: limits.rpm, tpm: limits.tpm, apiKey: nil, model: nil)
        default: key = RateWindowKey(rpm: limits.rpm, tpm: limits.tpm, apiKey: context.apiKey ?? "", model: context.model ?? "")
        }
        let tokens = context.promptTokens + context.completionTokens
        let spec: ErrorSpec
        switch registry.admit(key: key, tokens: tokens, rpm: limits.rpm, tpm: limits.tpm, nowMs: context.nowMs) {
        case .admitted: return
        case .tooManyRequests: spec = ErrorCatalog.rateLimitRequests
        case .tooManyTokens: spec = ErrorCatalog.rateLimitTokens
        }
        // The refusal keeps the timing earlier faults set (a latency before it still applies).
        var refusal = context.dialect.errorPlan(spec, requestID: context.requestID, stream: plan.isStream)
        refusal.firstByteDelayMs = plan.firstByteDelayMs
        refusal.hang = plan.hang
        refusal.hangMs = plan.hangMs
        plan = refusal
    }
}
