#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The methods, paths, header names and header values that nearly every request carries, as
/// strings made once. Bytes equal to one of them, exactly (case included: the journal keeps a
/// request as it came), give that string: no UTF-8 validation, no allocation now and no release
/// when the journal lets the request go. Hand-written for speed: making the strings of a replayed
/// request's headers was 2,000 of its 38,900 instructions, its method and path 490
/// (`bench/profile instructions`).
enum CommonRequestText {
    private static let names: [String] = [
        "Host", "host", "User-Agent", "user-agent", "Accept", "accept", "Accept-Encoding", "accept-encoding",
        "Connection", "connection", "Content-Type", "content-type", "Content-Length", "content-length",
        "Authorization", "authorization", "Transfer-Encoding", "transfer-encoding", "Expect", "expect",
        "X-DashScope-SSE", "x-dashscope-sse", "X-DashScope-Async", "x-dashscope-async", "x-api-key", "X-Api-Key",
        "anthropic-version", "openai-organization", "openai-project", "x-request-id", "x-stainless-lang",
        "x-stainless-package-version", "x-stainless-os", "x-stainless-arch", "x-stainless-runtime",
        "x-stainless-runtime-version", "x-stainless-async", "x-stainless-retry-count", "x-stainless-read-timeout",
        "x-stainless-timeout", "X-MockScope-Test-Id", "x-mockscope-test-id",
    ]
    private static let values: [String] = [
        "application/json", "application/json; charset=utf-8", "text/event-stream", "keep-alive", "close", "*/*",
        "gzip, deflate", "gzip, deflate, br", "gzip, deflate, zstd", "identity", "chunked", "enable", "python", "false",
        "true", "0", "1", "2", "2023-06-01",
    ]
    private static let methods: [String] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    /// The paths DashScope's clients call most (the chat and generation endpoints of each protocol).
    private static let paths: [String] = [
        "/compatible-mode/v1/chat/completions", "/compatible-mode/v1/responses", "/compatible-mode/v1/embeddings",
        "/compatible-mode/v1/models", "/v1/chat/completions", "/apps/anthropic/v1/messages",
        "/api/v1/services/aigc/text-generation/generation", "/api/v1/services/aigc/multimodal-generation/generation",
        "/api/v1/services/embeddings/text-embedding/text-embedding",
    ]
    private static let longest = 64

    /// The texts of each byte length (string literals: immortal, never retained or released).
    private static let nameTable = table(names)
    private static let valueTable = table(values)
    private static let methodTable = table(methods)
    private static let pathTable = table(paths)

    private static func table(_ texts: [String]) -> [[String]] {
        var table = [[String]](repeating: [], count: longest + 1)
        for text in texts where text.utf8.count <= longest { table[text.utf8.count].append(text) }
        return table
    }

    /// The string of a header name's bytes, made once if it is a common one.
    static func name(_ bytes: UnsafePointer<CChar>, _ count: Int) -> String {
        common(bytes, count, in: nameTable) ?? made(bytes, count)
    }

    /// The string of a header value's bytes, made once if it is a common one.
    static func value(_ bytes: UnsafePointer<CChar>, _ count: Int) -> String {
        common(bytes, count, in: valueTable) ?? made(bytes, count)
    }

    /// The string of a NUL-terminated method.
    static func method(_ text: UnsafePointer<CChar>) -> String {
        let count = strlen(text)
        return common(text, count, in: methodTable) ?? made(text, count)
    }

    /// The string of a NUL-terminated path.
    static func path(_ text: UnsafePointer<CChar>) -> String {
        let count = strlen(text)
        return common(text, count, in: pathTable) ?? made(text, count)
    }

    @inline(__always) private static func common(_ bytes: UnsafePointer<CChar>, _ count: Int, in table: [[String]]) -> String? {
        guard count <= longest else { return nil }
        for text in table[count] where text.utf8.withContiguousStorageIfAvailable({ memcmp(bytes, $0.baseAddress!, count) == 0 }) == true {
            return text
        }
        return nil
    }

    private static func made(_ bytes: UnsafePointer<CChar>, _ count: Int) -> String {
        bytes.withMemoryRebound(to: UInt8.self, capacity: count) { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
    }
}
