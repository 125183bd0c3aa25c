/// The `X-DashScope-Async: enable` switch (`RequestHeads.asyncCall`): task-style APIs need it (or
/// answer synchronously where DashScope has a synchronous mode); APIs with no asynchronous mode
/// refuse it with 403 `AccessDenied` (errors §7).
public enum AsyncCall {
    public static let header = "X-DashScope-Async"

    /// The refusal of an asynchronous call to an API without an asynchronous mode (text
    /// generation, ...), or nil when the request is not one.
    public static func refusalWhereUnsupported(_ heads: borrowing RequestHeads) -> Validation? {
        heads.asyncCall ? .refused(ErrorCatalog.accessDenied, message: TaskErrors.asyncNotSupported) : nil
    }
}
