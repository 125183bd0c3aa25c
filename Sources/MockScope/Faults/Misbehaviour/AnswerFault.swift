/// A fault that makes the model misbehave rather than the network: it reads the planned answer
/// through the exchange's `AnswerCodec`, changes it (`misbehave`) and renders it back in the same
/// protocol, whole or streamed, for replayed, synthesized and (holding the client's copy until
/// the upstream ends) forwarded answers alike. Answers no codec reads (errors, other endpoints,
/// a module without a codec) are left alone. Choices derive from the request, so the same request
/// gives the same bytes.
protocol AnswerFault: Fault {
    /// Changes `answer`; `facts` holds the request's tools, response format and token bound.
    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts)
}

extension AnswerFault {
    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        guard let codec = context.codec, let request = context.request else { return }
        let requestID = context.requestID
        let fault = self
        let rewrite: @Sendable (ResponsePlan) -> ResponsePlan = { planned in
            var result = planned
            codec.rewrite(&result, request: request, requestID: requestID) { answer, facts in fault.misbehave(&answer, facts: facts) }
            return result
        }
        if PlanCutting.addLiveEffect(LiveEffect(unit: .events, count: 0, action: .rewriteAnswer(rewrite)), to: &plan) { return }
        guard !PlanCutting.isLive(plan) else { return }
        plan = rewrite(plan)
    }
}
