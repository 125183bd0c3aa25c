/// The errors of the endpoints beside chat (embeddings, rerank, tokenizer, the model list):
/// their catalog names, and each protocol's words for them (docs/protocol-notes.md, surface §1–§4).
extension ErrorCatalog {
    /// More texts (documents) than the model takes in one request; `{detail}` is the limit.
    public static let batchTooLarge = ErrorSpec("batch_too_large")
    /// An embedding input that is neither a text nor a list of texts.
    public static let inputNotTexts = ErrorSpec("input_not_texts")
    /// An empty list of texts (documents).
    public static let inputListEmpty = ErrorSpec("input_list_empty")
    /// A known model served on another endpoint (a chat model on embeddings); `{detail}` lists the right ones.
    public static let modelNotForEndpoint = ErrorSpec("model_not_for_endpoint")
    /// A required field is absent; `{detail}` names it.
    public static let fieldRequired = ErrorSpec("field_required")

    static let surface: [ErrorSpec] = [batchTooLarge, inputNotTexts, inputListEmpty, modelNotForEndpoint, fieldRequired]
}

/// The rows of `SurfaceErrors` in each protocol's table (merged into `CompatibleErrorTable.entries`
/// and `NativeErrorTable.entries`).
enum SurfaceErrorTable {
    static let native: [String: ErrorWording] = [
        "batch_too_large": ErrorWording(status: 400, code: "InvalidParameter",
            message: "Value error, batch size is invalid, it should not be larger than {detail}.",
            source: "errors (docs error-code page: 400-InvalidParameter, embeddings)"),
        "input_not_texts": ErrorWording(status: 400, code: "InvalidParameter",
            message: "Value error, contents is neither str nor list of str.: input.contents",
            source: "errors (docs error-code page: 400-InvalidParameter, embeddings)"),
        "input_list_empty": ErrorWording(status: 400, code: "InvalidParameter",
            message: "[] is too short",
            source: "errors §4 (the empty-messages wording) [chosen for an empty list of texts]"),
        "model_not_for_endpoint": ErrorWording(status: 400, code: "InvalidParameter",
            message: "The model name is invalid. Supported models: {detail}.",
            source: "surface §1 (docs openapi-text-embedding: error body example)"),
        "field_required": ErrorWording(status: 400, code: "InvalidParameter",
            message: "Field required: {detail}",
            source: "errors §4 (docs error-code page: `Field required: xxx`)"),
    ]

    /// Compatible mode states them as its chat path does (code `invalid_parameter_error`) [chosen:
    /// the embeddings doc prints a native-shaped body for this path, unconfirmed].
    static let compatible: [String: ErrorWording] = native.mapValues { row in
        var row = row
        row.code = "invalid_parameter_error"
        row.type = "invalid_request_error"
        row.source += "; compat code/type as chat [chosen]"
        return row
    }
}
