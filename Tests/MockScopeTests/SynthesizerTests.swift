import Testing
@testable import MockScope

@Test func synthDump() throws {
    func show(_ endpoint: Endpoint, _ body: String, stream: Bool) throws {
        let plan = Synthesizer.plan(for: SynthesisRequest(endpoint: endpoint, body: try JSONValue.parse(body), stream: stream, requestID: "req-1"))
        print("=== \(endpoint) stream=\(stream) \(plan.headers.fields)")
        switch plan.body {
        case .whole(let b): print(String(decoding: b, as: UTF8.self))
        case .events(let e): for x in e { print(x.atMs, String(decoding: x.bytes, as: UTF8.self), terminator: "") }
        }
    }
    let tools = #"[{"type":"function","function":{"name":"get_current_time","parameters":{}}},{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":2},"opts":{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"array","items":{"type":"number"}}}}},"required":["location","unit","days","opts"]}}}]"#
    try show(.compatibleChat, #"{"model":"qwen-plus","messages":[{"role":"user","content":"hi there"}]}"#, stream: false)
    try show(.compatibleChat, #"{"model":"qwen-plus","messages":[{"role":"user","content":"hi there"}],"stream":true,"stream_options":{"include_usage":true}}"#, stream: true)
    try show(.compatibleChat, #"{"model":"qwq-plus","messages":[{"role":"user","content":"四个直辖市的天气"}],"stream":true,"tools":\#(tools),"tool_choice":{"type":"function","function":{"name":"get_current_weather"}}}"#, stream: true)
    try show(.compatibleChat, #"{"model":"qwen-plus","messages":[{"role":"user","content":"weather?"}],"stream":true,"tools":\#(tools),"tool_choice":{"type":"function","function":{"name":"get_current_weather"}}}"#, stream: true)
    try show(.compatibleChat, #"{"model":"qwen-plus","messages":[{"role":"user","content":"weather?"}],"tools":\#(tools),"enable_thinking":true,"tool_choice":{"type":"function","function":{"name":"get_current_weather"}}}"#, stream: false)
    try show(.nativeGeneration(multimodal: false), #"{"model":"qwq-plus","input":{"messages":[{"role":"user","content":"9.9和9.11谁大"}]},"parameters":{"result_format":"message","tools":\#(tools),"tool_choice":{"type":"function","function":{"name":"get_current_weather"}}}}"#, stream: true)
    try show(.nativeGeneration(multimodal: false), #"{"model":"qwen-turbo","input":{"prompt":"讲个故事"},"parameters":{}}"#, stream: true)
    try show(.nativeGeneration(multimodal: false), #"{"model":"qwen-turbo","input":{"prompt":"讲个故事"},"parameters":{"enable_thinking":true}}"#, stream: true)
    try show(.nativeGeneration(multimodal: false), #"{"model":"qwen-turbo","input":{"prompt":"讲个故事"},"parameters":{}}"#, stream: false)
    try show(.nativeGeneration(multimodal: true), #"{"model":"qwen-vl-plus","input":{"messages":[{"role":"user","content":[{"image":"https://x/y.jpg"},{"text":"图片中有什么？"}]}]},"parameters":{"incremental_output":true}}"#, stream: true)
    try show(.nativeGeneration(multimodal: true), #"{"model":"qwen-vl-plus","input":{"messages":[{"role":"user","content":[{"image":"https://x/y.jpg"},{"text":"图片中有什么？"}]}]},"parameters":{}}"#, stream: false)
    try show(.application(id: "abc"), #"{"model":"","input":{"prompt":"请告诉我今天的天气如何？"},"parameters":{"incremental_output":true}}"#, stream: true)
    try show(.application(id: "abc"), #"{"model":"","input":{"prompt":"请告诉我今天的天气如何？"},"parameters":{}}"#, stream: false)
    try show(.compatibleChat, #"{"model":"qwen-plus","messages":[{"role":"user","content":"weather in Paris?"},{"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1","content":"Sunny, 25 degrees, light wind from the north west and a long tail of text"}]}"#, stream: false)
}
