/// How log lines are written: swift-log's text layout, or one JSON object per line for log
/// shippers (`--log-format json`).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}
