/// The filters and page of `GET /api/v1/tasks` (dashscope `BaseAsyncApi.list`): `page_no`,
/// `page_size`, `start_time` / `end_time` (`20250101000000`, on the submit time), `model_name`,
/// `status`; `api_key_id` and `region` are accepted and ignored (one account, one region).
struct TaskListQuery: Sendable {
    var pageNo = 1
    var pageSize = 10
    var startTime: String?
    var endTime: String?
    var model: String?
    var status: TaskStatus?

    /// The largest page [chosen].
    static let maxPageSize = 100

    struct Problem: Error { var message: String }

    static func parse(_ query: [(name: String, value: String)]) -> Result<TaskListQuery, Problem> {
        var result = TaskListQuery()
        for (name, value) in query {
            switch name {
            case "page_no":
                guard let number = Int(value), number >= 1 else { return .failure(Problem(message: "page_no must be a whole number >= 1.")) }
                result.pageNo = number
            case "page_size":
                guard let number = Int(value), (1...maxPageSize).contains(number) else {
                    return .failure(Problem(message: "page_size must be a whole number from 1 to \(maxPageSize)."))
                }
                result.pageSize = number
            case "start_time", "end_time":
                guard value.utf8.count == 14, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return .failure(Problem(message: "\(name) must be yyyyMMddHHmmss, e.g. 20250101000000."))
                }
                if name == "start_time" { result.startTime = value } else { result.endTime = value }
            case "model_name":
                result.model = value
            case "status":
                guard let status = TaskStatus(rawValue: value.uppercased()) else {
                    return .failure(Problem(message: "status must be one of \(TaskStatus.allCases.map(\.rawValue).joined(separator: ", "))."))
                }
                result.status = status
            default:
                break
            }
        }
        return .success(result)
    }

    /// Whether `task` passes the filters at `nowMs`.
    func admits(_ task: AsyncTask, at nowMs: Double) -> Bool {
        let submitted = MockTime.compactStamp(task.submittedMs)
        if let startTime, submitted < startTime { return false }
        if let endTime, submitted > endTime { return false }
        if let model, task.model != model { return false }
        if let status, task.status(at: nowMs) != status { return false }
        return true
    }

    /// The page of `tasks` (newest first) [chosen shape: `data`, `total`, `total_page`, `page_no`, `page_size`].
    func answer(_ tasks: [AsyncTask], at nowMs: Double, requestID: String) -> String {
        let matching = tasks.reversed().filter { admits($0, at: nowMs) }
        let page = matching.dropFirst((pageNo - 1) * pageSize).prefix(pageSize)
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: requestID)
            o.field("data", array: page.map { task in { w in
                w.object { item in
                    item.field("model_name", string: task.model)
                    TaskAnswer.output(task, status: task.status(at: nowMs), into: &item)
                }
            } })
            o.field("total", .number(Double(matching.count)))
            o.field("total_page", .number(Double((matching.count + pageSize - 1) / pageSize)))
            o.field("page_no", .number(Double(pageNo)))
            o.field("page_size", .number(Double(pageSize)))
        }
        return writer.text
    }
}
