import MockScopeHTTPTypes

/// `reset after_events=N | after_bytes=N`: sends that much of the answer, then closes the
/// connection with a TCP reset. A whole body is sent as one chunk first.
public struct ResetFault: ConnectionCutFault {
    public static let kind = "reset"
    static let ending = StreamEnding.reset
    var cut: CutPoint
    init(cut: CutPoint) { self.cut = cut }
}
