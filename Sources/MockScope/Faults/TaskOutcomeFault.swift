/// `task_outcome status=FAILED|CANCELED|UNKNOWN code=... message="..." immediately=true|false`: an
/// asynchronous task ends otherwise than it would. It rewrites an answer of the task API (a body
/// with `output.task_status`): by default only one that says `SUCCEEDED` (the task still goes
/// through `PENDING` and `RUNNING`), with `immediately=true` whatever it says.
///
/// - `FAILED` carries `output.code` and `output.message` (default `InternalError` and its message,
///   [chosen]) and no results; `CANCELED` and `UNKNOWN` carry no results either; `UNKNOWN` is what
///   an unknown or expired task id gets (docs/protocol-notes.md, tasks).
/// - Any other answer (chat, an error, a stream) is left alone, so the fault may be global or a
///   scenario's without touching other endpoints.
public struct TaskOutcomeFault: Fault {
    public static let kind = "task_outcome"
    public static let parameterNames: Set<String> = ["status", "code", "message", "immediately"]
    static let outcomes: [TaskStatus] = [.failed, .canceled, .unknown]
    static let defaultCode = "InternalError"
    static let defaultMessage = "An internal error has occured, please try again later or contact service support."

    public var status: TaskStatus
    public var code: String?
    public var message: String?
    public var immediately: Bool

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        guard let text = try parameters.choice("status", Self.outcomes.map(\.rawValue)), let status = TaskStatus(rawValue: text) else {
            throw .missingParameter(kind: Self.kind, expected: "status=FAILED, CANCELED or UNKNOWN")
        }
        self.status = status
        code = parameters.string("code")
        message = parameters.string("message")
        immediately = try parameters.bool("immediately") ?? false
    }

    public var description: String {
        FaultText.describe(Self.kind, [("status", status.rawValue), ("code", code), ("message", message),
                                       ("immediately", immediately ? "true" : nil)])
    }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        guard plan.status == 200, case .whole(let bytes) = plan.body, let body = try? JSONValue.parse(bytes),
              let output = body["output"]?.objectValue, let current = output["task_status"]?.stringValue,
              immediately || current == TaskStatus.succeeded.rawValue else { return }
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: body["request_id"]?.stringValue ?? context.requestID)
            o.field("output", object: { out in
                out.field("task_id", output["task_id"] ?? .null)
                out.field("task_status", string: status.rawValue)
                guard status != .unknown else { return }
                for key in ["submit_time", "scheduled_time", "end_time"] {
                    if let value = output[key] { out.field(key, value) }
                }
                if output["end_time"] == nil, let submitted = output["submit_time"] { out.field("end_time", submitted) }
                if status == .failed {
                    out.field("code", string: code ?? Self.defaultCode)
                    out.field("message", string: message ?? Self.defaultMessage)
                }
            })
        }
        plan.body = .whole(Array(writer.text.utf8))
        plan.headers.remove("content-length")
    }
}
