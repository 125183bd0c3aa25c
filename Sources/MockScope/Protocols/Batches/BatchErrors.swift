/// The batch API's own refusals, in compatible mode's words [chosen wordings; shapes as
/// compatible mode's other errors] (docs/protocol-notes.md, batches).
enum BatchErrors {
    static func notFound(_ id: String) -> StatedError {
        StatedError(status: 404, code: "not_found", type: "invalid_request_error", message: "Not found! No batch with id \(id).")
    }
    static func notCancelable(_ status: BatchStatus) -> StatedError {
        StatedError(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                    message: "Cannot cancel a batch with status \(status.rawValue).")
    }
}
