import ArgumentParser
import MockScope

extension ResponsesSettings.FunctionCallEvents: ExpressibleByArgument {}

/// `mockscope serve`'s options for the Responses API (`/compatible-mode/v1/responses`).
struct ResponsesOptions: ParsableArguments {
    @Option(name: .customLong("responses-store-size"), help: ArgumentHelp("The most Responses API responses kept for previous_response_id, retrieve, delete and input_items (the oldest go first; each lives 7 days on the server's clock).", valueName: "count"))
    var storeSize = ResponsesSettings().storeSize

    @Flag(name: .customLong("responses-honour-text-format"), help: "Honour text.format (JSON schema / JSON object) in Responses API requests; DashScope ignores it, and so does MockScope by default.")
    var honourTextFormat = false

    @Option(name: .customLong("responses-function-call-events"), help: ArgumentHelp("How streamed function-call arguments are sent: custom_tool_call_input (the events DashScope's page lists; default) or function_call_arguments (OpenAI's).", valueName: "kind"))
    var functionCallEvents: ResponsesSettings.FunctionCallEvents = .customToolCallInput

    func validate() throws {
        guard storeSize >= 1 else { throw ValidationError("--responses-store-size must be at least 1.") }
    }

    var settings: ResponsesSettings {
        var settings = ResponsesSettings()
        settings.storeSize = storeSize
        settings.honoursTextFormat = honourTextFormat
        settings.functionCallEvents = functionCallEvents
        return settings
    }
}
