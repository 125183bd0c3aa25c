/// The task API's own refusals, in the native protocol's words (docs/protocol-notes.md, tasks).
enum TaskErrors {
    /// A cancel of a task that is no longer pending: errors §11 `400-UnsupportedOperation`
    /// ([chosen]: the page does not name the task API for it).
    static let notCancelable = StatedError(status: 400, code: "UnsupportedOperation", type: "UnsupportedOperation",
                                           message: "The operation is unsupported on the referee object.")
    /// A cancel naming no task: errors §7 `404-NotFound`.
    static let notFound = StatedError(status: 404, code: "NotFound", type: "NotFound", message: "Not found!")

    /// A list filter or page that cannot be read: `400-InvalidParameter` [chosen wording].
    static func badListParameter(_ message: String) -> StatedError {
        StatedError(status: 400, code: "InvalidParameter", type: "InvalidParameter", message: message)
    }

    /// `X-DashScope-Async: enable` on an API with no asynchronous mode: `access_denied` (errors §7,
    /// 403-AccessDenied) with these words.
    static let asyncNotSupported = "Current user api does not support asynchronous calls."
    /// A call without `X-DashScope-Async: enable` to an API that is only asynchronous (errors §7).
    static let syncNotSupported = "current user api does not support synchronous calls."
}
