import MockScopeHTTPTypes

/// What a valid video-synthesis request asks for (dashscope `VideoSynthesis`; docs/protocol-notes.md,
/// tasks): the model, the prompt, the size (`parameters.size` `1280*720`, or a `parameters.resolution`
/// tier at 16:9), the length (`parameters.duration`, seconds) and the tier `usage.SR` states.
struct VideoOrder: Equatable {
    var model: String
    var prompt: String
    var width: Int
    var height: Int
    var seconds: Int
    var tier: String

    /// `parameters.size` when neither it nor `resolution` is given (the wan2.1 text-to-video default).
    static let defaultSize = (width: 1280, height: 720)
    /// `parameters.duration` when absent.
    static let defaultSeconds = 5
    /// The lengths MockScope takes [chosen: the wan models' documented lengths lie in 2...15].
    static let secondsRange = 1...15
    /// `parameters.resolution` tiers and the 16:9 size each stands for [chosen].
    static let resolutions: [(name: String, width: Int, height: Int)] = [("480P", 832, 480), ("720P", 1280, 720), ("1080P", 1920, 1080)]
    /// The `input` fields that carry a picture to animate (image-to-video and the like).
    static let imageInputs = ["img_url", "first_frame_url", "last_frame_url", "head_frame", "tail_frame",
                              "reference_url", "reference_urls", "reference_video_urls", "media"]

    /// The order `body` states, or the refusal the real service gives.
    static func parse(_ body: JSONValue) -> Result<VideoOrder, ChatRequestChecks.Refusal> {
        guard let model = body["model"]?.stringValue, !model.isEmpty else { return .failure(.init(ErrorCatalog.emptyModel)) }
        guard let input = body["input"]?.objectValue else { return .failure(.init(ErrorCatalog.emptyInput)) }
        let prompt = input["prompt"]?.stringValue ?? ""
        let hasImage = imageInputs.contains { key in
            guard let value = input[key] else { return false }
            if let text = value.stringValue { return !text.isEmpty }
            if let items = value.arrayValue { return !items.isEmpty }
            return false
        }
        if !hasImage, model.contains("i2v") || model.contains("kf2v") {
            return .failure(.init(ErrorCatalog.invalidParameter, "Field required: input.img_url"))
        }
        if prompt.isEmpty, !hasImage { return .failure(.init(ErrorCatalog.invalidParameter, "Field required: input.prompt")) }

        let parameters = body["parameters"]?.objectValue ?? [:]
        var size = defaultSize
        var tier: String?
        if let value = parameters["resolution"] {
            guard let text = value.stringValue, let row = resolutions.first(where: { $0.name.caseInsensitiveEquals(text) }) else {
                return .failure(.init(ErrorCatalog.invalidParameter,
                                      "parameters.resolution must be one of \(resolutions.map(\.name).joined(separator: ", "))."))
            }
            size = (row.width, row.height)
            tier = String(row.name.dropLast())
        }
        if let value = parameters["size"] {
            guard let text = value.stringValue, let parsed = ImageSynthesisModule.size(text) else {
                return .failure(.init(ErrorCatalog.invalidParameter,
                                      "parameters.size must be width*height, each from 1 to \(GeneratedImageModule.maxSide), e.g. 1280*720."))
            }
            size = parsed
        }
        var seconds = defaultSeconds
        if let value = parameters["duration"] {
            guard let number = value.numberValue, number.rounded() == number, secondsRange.contains(Int(number)) else {
                return .failure(.init(ErrorCatalog.invalidParameter,
                                      "parameters.duration must be a whole number of seconds from \(secondsRange.lowerBound) to \(secondsRange.upperBound), e.g. 5."))
            }
            seconds = Int(number)
        }
        return .success(VideoOrder(model: model, prompt: prompt, width: size.width, height: size.height, seconds: seconds,
                                   tier: tier ?? Self.tier(width: size.width, height: size.height)))
    }

    /// The tier a size falls in, by its short side: "480", "720" or "1080" [chosen].
    static func tier(width: Int, height: Int) -> String {
        let short = min(width, height)
        return short <= 480 ? "480" : short <= 720 ? "720" : "1080"
    }
}
