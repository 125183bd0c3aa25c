import MockScopeHTTPTypes

/// `GET /mockscope/images/{seed}/{width}x{height}.png`: the images a finished image task's result
/// URLs point at (they stand where DashScope's signed OSS URLs stand, so they ask for no key).
/// Each is a PNG of that size, the same bytes for the same seed: a diagonal blend of two colours
/// chosen by the seed's `StableHash`.
public struct GeneratedImageModule: ProtocolModule {
    public static let prefix = "/mockscope/images/"
    /// The largest side MockScope draws, in pixels (the image APIs' sizes stay below it).
    public static let maxSide = 2048

    public init() {}
    public var name: String { "generated-image" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "GET" }
    public var asksForKey: Bool { false }

    /// The path of the image of `seed` at `width` × `height`.
    public static func path(seed: String, width: Int, height: Int) -> String {
        prefix + seed + "/\(width)x\(height).png"
    }

    public func endpoint(for path: String) -> Endpoint? {
        path.hasPrefix(Self.prefix) ? Endpoint(module: self, detail: String(path.dropFirst(Self.prefix.count))) : nil
    }

    /// The seed and size a path's detail names, or nil.
    static func parse(_ detail: String) -> (seed: String, width: Int, height: Int)? {
        guard let slash = detail.lastIndex(of: "/"), detail.hasSuffix(".png") else { return nil }
        let seed = String(detail[..<slash])
        let size = detail[detail.index(after: slash)...].dropLast(4).split(separator: "x", omittingEmptySubsequences: false)
        guard !seed.isEmpty, size.count == 2, let width = Int(size[0]), let height = Int(size[1]),
              (1...maxSide).contains(width), (1...maxSide).contains(height) else { return nil }
        return (seed, width, height)
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard let (seed, width, height) = Self.parse(request.endpoint.detail) else { return nil }
        return ResponsePlan(status: 200, headers: HeaderFields([("content-type", "image/png"), ("x-request-id", context.requestID)]),
                            body: .whole(Self.image(seed: seed, width: width, height: height)))
    }

    /// The PNG for `seed` at `width` × `height`.
    static func image(seed: String, width: Int, height: Int) -> [UInt8] {
        let hash = StableHash(seed).value
        let from = (UInt8(truncatingIfNeeded: hash), UInt8(truncatingIfNeeded: hash >> 8), UInt8(truncatingIfNeeded: hash >> 16))
        let to = (UInt8(truncatingIfNeeded: hash >> 24), UInt8(truncatingIfNeeded: hash >> 32), UInt8(truncatingIfNeeded: hash >> 40))
        let span = max(1, width + height - 2)
        func blend(_ a: UInt8, _ b: UInt8, _ t: Int) -> UInt8 { UInt8((Int(a) * (span - t) + Int(b) * t) / span) }
        return PNGEncoder.encode(width: width, height: height) { x, y in
            let t = x + y
            return (blend(from.0, to.0, t), blend(from.1, to.1, t), blend(from.2, to.2, t))
        }
    }

    /// One label for every image.
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String { Self.prefix + "{image}" }

    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("other", "images") }
}
