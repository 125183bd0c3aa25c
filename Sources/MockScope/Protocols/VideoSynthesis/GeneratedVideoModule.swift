import MockScopeHTTPTypes

/// `GET /mockscope/videos/{seed}/{width}x{height}-{seconds}s.mp4`: the videos a finished video
/// task's `output.video_url` points at (they stand where DashScope's signed OSS URLs stand, so
/// they ask for no key). Each is an `EmptyMP4` of that size and length, the same bytes for the
/// same path.
public struct GeneratedVideoModule: ProtocolModule {
    public static let prefix = "/mockscope/videos/"
    /// The frame rate a generated video states (`usage.fps`) [chosen: the docs' example's 24].
    public static let framesPerSecond = 24
    /// The longest video MockScope describes, in seconds.
    public static let maxSeconds = 60

    public init() {}
    public var name: String { "generated-video" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "GET" }
    public var asksForKey: Bool { false }

    /// The path of the video of `seed` at `width` × `height`, `seconds` long.
    public static func path(seed: String, width: Int, height: Int, seconds: Int) -> String {
        prefix + seed + "/\(width)x\(height)-\(seconds)s.mp4"
    }

    public func endpoint(for path: String) -> Endpoint? {
        path.hasPrefix(Self.prefix) ? Endpoint(module: self, detail: String(path.dropFirst(Self.prefix.count))) : nil
    }

    /// The size and length a path's detail names, or nil.
    static func parse(_ detail: String) -> (width: Int, height: Int, seconds: Int)? {
        guard let slash = detail.lastIndex(of: "/"), slash != detail.startIndex, detail.hasSuffix("s.mp4") else { return nil }
        let name = detail[detail.index(after: slash)...].dropLast(5)
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let seconds = Int(parts[1]), (1...maxSeconds).contains(seconds) else { return nil }
        let size = parts[0].split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let width = Int(size[0]), let height = Int(size[1]),
              (1...GeneratedImageModule.maxSide).contains(width), (1...GeneratedImageModule.maxSide).contains(height) else { return nil }
        return (width, height, seconds)
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard let (width, height, seconds) = Self.parse(request.endpoint.detail) else { return nil }
        let video = EmptyMP4.bytes(width: width, height: height, seconds: seconds, framesPerSecond: Self.framesPerSecond)
        return ResponsePlan(status: 200, headers: HeaderFields([("content-type", "video/mp4"), ("x-request-id", context.requestID)]),
                            body: .whole(video))
    }

    /// One label for every video.
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String { Self.prefix + "{video}" }

    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("other", "videos") }
}
