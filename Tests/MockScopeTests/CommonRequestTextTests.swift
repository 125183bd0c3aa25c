@testable import MockScope
import MockScopeTesting
import Testing

/// The request's method, path and header fields reach the pipeline and the journal exactly as sent,
/// whether or not they equal one of the common strings the HTTP layer makes once
/// (`CommonRequestText`): case kept, near misses of a common string not taken for it.
struct CommonRequestTextTests {
    @Test func fieldsArriveByteForByte() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let headers: [(String, String)] = [
            ("Content-Type", "application/json"), ("authorization", "Bearer k-common-1"), ("ACCEPT", "*/*"),
            ("accept-encodinG", "gzip, deflate"), ("X-Stainless-Lang", "python"), ("x-stainless-os", "Linux"),
            ("x-custom", "application/jsonx"), ("x-other", "application/jso"), ("x-empty", ""),
        ]
        let body = #"{"model":"qwen-plus","messages":[{"role":"user","content":"hi"}]}"#
        for path in ["/compatible-mode/v1/chat/completions", "/compatible-mode/v1/chat/completionsX", "/compatible-mode/v1/chat/completion"] {
            _ = try RawHTTP.exchange(port: server.port, "POST", path, headers: headers, body: body)
        }
        let entries = server.requests()
        #expect(entries.map(\.path) == ["/compatible-mode/v1/chat/completions", "/compatible-mode/v1/chat/completionsX",
                                        "/compatible-mode/v1/chat/completion"])
        #expect(entries.allSatisfy { $0.method == "POST" })
        for entry in entries {
            let sent = entry.rawHeaders.filter { name, _ in headers.contains { $0.0 == name } }
            #expect(sent.map(\.name) == headers.map(\.0), "names as sent, case kept")
            #expect(sent.map(\.value) == headers.map(\.1), "values as sent")
        }
    }
}
