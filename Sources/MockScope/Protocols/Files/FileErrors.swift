/// The files API's own refusals, in compatible mode's words (docs/protocol-notes.md, files).
enum FileErrors {
    /// An id the account does not hold [chosen: errors §7 `404-NotFound` wording, compatible shape].
    static func notFound(_ id: String) -> StatedError {
        StatedError(status: 404, code: "not_found", type: "invalid_request_error", message: "Not found! No file with id \(id).")
    }
    /// A body that is not readable `multipart/form-data`, or lacks a part the API needs [chosen wording,
    /// `invalid_parameter_error` as compatible mode's other bad requests].
    static func badUpload(_ reason: String) -> StatedError {
        StatedError(status: 400, code: "invalid_parameter_error", type: "invalid_request_error", message: reason)
    }
    /// Over the purpose's size (errors §11 `BadRequest.TooLarge`; compatible capture in
    /// docs/protocol-notes.md, files).
    static let tooLarge = StatedError(status: 400, code: "BadRequest.TooLarge", type: "invalid_request_error", message: "Payload Too Large.")
    /// A download of a file that is not a batch's output (docs: batch) [chosen wording].
    static let notDownloadable = StatedError(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                                             message: "Only batch output and error files (ids starting file-batch_output or file-batch_error) can be downloaded.")
    /// A list parameter out of range [chosen wording].
    static func badListParameter(_ message: String) -> StatedError {
        StatedError(status: 400, code: "invalid_parameter_error", type: "invalid_request_error", message: message)
    }
}
