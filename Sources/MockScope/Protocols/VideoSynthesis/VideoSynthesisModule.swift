import MockScopeHTTPTypes

/// DashScope's video synthesis (`dashscope.VideoSynthesis`; docs/protocol-notes.md, tasks):
/// `POST /api/v1/services/aigc/video-generation/video-synthesis` (text-to-video, image-to-video)
/// and `/api/v1/services/aigc/image2video/video-synthesis` (the SDK's path for `kf2v` models).
/// Asynchronous only: without `X-DashScope-Async: enable` the 403 DashScope sends; with it a
/// request no fixture matches makes a video task in `TaskStore` (`--unmatched synthesize`) that
/// `GET /api/v1/tasks/{id}` follows on MockScope's clock to `SUCCEEDED`, whose
/// `output.video_url` points at `GeneratedVideoModule`.
public struct VideoSynthesisModule: ProtocolModule {
    public static let path = "/api/v1/services/aigc/video-generation/video-synthesis"
    public static let imageToVideoPath = "/api/v1/services/aigc/image2video/video-synthesis"

    public init() {}
    public var name: String { "video-synthesis" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "POST" }

    public func endpoint(for path: String) -> Endpoint? {
        path == Self.path || path == Self.imageToVideoPath ? Endpoint(module: self) : nil
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        guard heads.asyncCall else { return .refused(ErrorCatalog.accessDenied, message: TaskErrors.syncNotSupported) }
        let parsed = ChatRequestChecks.jsonObject(request, heads: heads)
        guard case .success(let (body, _)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        switch VideoOrder.parse(body) {
        case .failure(let refusal): return refusal.validation
        case .success: return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: false))
        }
    }

    public func synthesize(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard let body = request.body, case .success(let order) = VideoOrder.parse(body) else { return nil }
        let store = TaskStore.of(context)
        let task = AsyncTask(id: AsyncTask.id(requestBody: context.request.body, sequence: store.count),
                             kind: .video(seconds: order.seconds, tier: order.tier), model: order.model, prompt: order.prompt,
                             width: order.width, height: order.height, count: 1, submittedMs: context.nowMs,
                             timings: context.settings.taskTimings, baseURL: context.baseURL)
        store.add(task)
        return ChatSynthesis.wholePlan(TaskAnswer.created(task, requestID: context.requestID), requestID: context.requestID)
    }
}
