import MockScopeHTTPTypes

/// `drop after_events=N | after_bytes=N`: sends that much of the answer, then closes the
/// connection abruptly (no terminating chunk). A whole body is sent as one chunk first.
public struct DropFault: ConnectionCutFault {
    public static let kind = "drop"
    static let ending = StreamEnding.drop
    var cut: CutPoint
    init(cut: CutPoint) { self.cut = cut }
}
