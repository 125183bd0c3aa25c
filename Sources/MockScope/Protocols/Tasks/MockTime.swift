/// The wall-clock times MockScope's answers state (a task's `submit_time`, a file's `created_at`):
/// a fixed epoch plus MockScope's clock, so the same run on a virtual clock gives the same bytes.
/// [chosen] epoch 2025-01-01 00:00:00 UTC.
enum MockTime {
    /// 2025-01-01T00:00:00Z in ms since 1970.
    static let epochMs: Double = 1_735_689_600_000

    /// Unix seconds at `clockMs` (what OpenAI-shaped objects carry).
    static func unixSeconds(_ clockMs: Double) -> Int { Int((epochMs + clockMs) / 1000) }

    /// `2025-01-01 00:00:01.250`: the task API's form (ms, no zone; docs/protocol-notes.md, tasks).
    static func taskStamp(_ clockMs: Double) -> String {
        let (date, ms) = civil(clockMs)
        return "\(date.year)-\(two(date.month))-\(two(date.day)) \(two(ms / 3_600_000)):\(two(ms / 60_000 % 60)):\(two(ms / 1000 % 60)).\(three(ms % 1000))"
    }

    /// `20250101000001`: the form of the task list's `start_time` / `end_time` filters.
    static func compactStamp(_ clockMs: Double) -> String {
        let (date, ms) = civil(clockMs)
        return "\(date.year)\(two(date.month))\(two(date.day))\(two(ms / 3_600_000))\(two(ms / 60_000 % 60))\(two(ms / 1000 % 60))"
    }

    /// The date, and the ms into that day, of `clockMs`.
    private static func civil(_ clockMs: Double) -> (date: (year: Int, month: Int, day: Int), ms: Int) {
        let total = Int(epochMs + max(0, clockMs))
        let days = total / 86_400_000
        return (civilDate(daysSince1970: days), total % 86_400_000)
    }

    /// Howard Hinnant's days-to-civil algorithm.
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func three(_ value: Int) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }
}
