import MockScopeHTTPTypes

/// DashScope's image synthesis (`dashscope.ImageSynthesis`; docs/protocol-notes.md, tasks):
/// `POST /api/v1/services/aigc/{text2image,image2image}/image-synthesis`. With `X-DashScope-Async:
/// enable` a request no fixture matches makes a task (`--unmatched synthesize`): the answer is its
/// `task_id`, `PENDING`, and `GET /api/v1/tasks/{id}` follows it on MockScope's clock
/// (`TaskTimings`) to `SUCCEEDED`, whose result URLs point at `GeneratedImageModule`. Without the
/// header only the synchronous models answer (at once, finished); the rest get the 403 DashScope
/// sends.
public struct ImageSynthesisModule: ProtocolModule {
    public static let textToImagePath = "/api/v1/services/aigc/text2image/image-synthesis"
    public static let imageToImagePath = "/api/v1/services/aigc/image2image/image-synthesis"
    static let imageToImage = "image2image"
    /// The models `ImageSynthesis.sync_call` serves (dashscope `aigc/image_synthesis.py`).
    static let synchronousModels: Set<String> = ["wan2.2-t2i-flash", "wan2.2-t2i-plus"]
    /// `parameters.size` when absent.
    static let defaultSize = (width: 1024, height: 1024)
    /// `parameters.n`: errors §5 "Range of n should be [1, 4]".
    static let countRange = 1...4

    public init() {}
    public var name: String { "image-synthesis" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "POST" }

    public func endpoint(for path: String) -> Endpoint? {
        switch path {
        case Self.textToImagePath: return Endpoint(module: self)
        case Self.imageToImagePath: return Endpoint(module: self, detail: Self.imageToImage)
        default: return nil
        }
    }

    /// What a valid request asks for.
    struct Order {
        var model: String
        var prompt: String
        var width: Int
        var height: Int
        var count: Int
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        let parsed = ChatRequestChecks.jsonObject(request, heads: heads)
        guard case .success(let (body, _)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        switch Self.order(body, imageToImage: endpoint.detail == Self.imageToImage) {
        case .failure(let refusal): return refusal.validation
        case .success(let order):
            if !heads.asyncCall, !Self.synchronousModels.contains(order.model) {
                return .refused(ErrorCatalog.accessDenied, message: TaskErrors.syncNotSupported)
            }
            return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: false))
        }
    }

    /// The order a body states, or the refusal the real service gives.
    static func order(_ body: JSONValue, imageToImage: Bool) -> Result<Order, ChatRequestChecks.Refusal> {
        guard let model = body["model"]?.stringValue, !model.isEmpty else { return .failure(.init(ErrorCatalog.emptyModel)) }
        guard let input = body["input"]?.objectValue else { return .failure(.init(ErrorCatalog.emptyInput)) }
        let prompt = input["prompt"]?.stringValue ?? ""
        if prompt.isEmpty, !imageToImage { return .failure(.init(ErrorCatalog.invalidParameter, "Field required: input.prompt")) }
        let parameters = body["parameters"]?.objectValue ?? [:]
        var size = defaultSize
        if let value = parameters["size"] {
            guard let text = value.stringValue, let parsed = Self.size(text) else {
                return .failure(.init(ErrorCatalog.invalidParameter,
                                      "parameters.size must be width*height, each from 1 to \(GeneratedImageModule.maxSide), e.g. 1024*1024."))
            }
            size = parsed
        }
        var count = 1
        if let value = parameters["n"] {
            guard let number = value.numberValue, number.rounded() == number, countRange.contains(Int(number)) else {
                return .failure(.init(ErrorCatalog.invalidParameter, "Range of n should be [1, 4]"))
            }
            count = Int(number)
        }
        return .success(Order(model: model, prompt: prompt, width: size.width, height: size.height, count: count))
    }

    /// `1024*1024` read as (width, height).
    static func size(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              (1...GeneratedImageModule.maxSide).contains(width), (1...GeneratedImageModule.maxSide).contains(height) else { return nil }
        return (width, height)
    }

    public func synthesize(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard let body = request.body, case .success(let order) = Self.order(body, imageToImage: request.endpoint.detail == Self.imageToImage) else {
            return nil
        }
        let store = TaskStore.of(context)
        let asynchronous = context.request.headers[AsyncCall.header]?.caseInsensitiveEquals("enable") ?? false
        let task = AsyncTask(id: AsyncTask.id(requestBody: context.request.body, sequence: store.count), kind: .image, model: order.model,
                             prompt: order.prompt, width: order.width, height: order.height, count: order.count,
                             submittedMs: context.nowMs, timings: asynchronous ? context.settings.taskTimings : TaskTimings(pendingMs: 0, runningMs: 0),
                             baseURL: context.baseURL)
        store.add(task)
        let answer = asynchronous ? TaskAnswer.created(task, requestID: context.requestID)
                                  : TaskAnswer.query(task, at: context.nowMs, requestID: context.requestID)
        return ChatSynthesis.wholePlan(answer, requestID: context.requestID)
    }
}
