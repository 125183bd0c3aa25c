import Foundation
import Logging
@testable import MockScope
@testable import MockScopeRecorder
import MockScopeHTTPTypes
import Testing

/// One secret policy serves the journal, the log and the recorder: what one redacts, all do.
@Suite struct SecretPolicyTests {
    static let key = "sk-PolicySecret42"
    static let internalAuth = "int-auth-9f8e7d6c"
    static let queryToken = "qtok-11223344"
    static let policy = SecretPolicy(extraNames: ["X-Internal-Auth", "auth"])

    static var request: HTTPRequest {
        HTTPRequest(method: "POST", path: "/compatible-mode/v1/chat/completions", query: [("auth", queryToken)],
                    headers: HeaderFields([("Authorization", "Bearer \(key)"), ("Content-Type", "application/json"),
                                           ("X-Internal-Auth", internalAuth)]),
                    body: Array(#"{"model":"qwen-plus","messages":[{"role":"user","content":"hi"}],"api_key":"\#(key)"}"#.utf8))
    }

    /// `--redact` names and secret body fields reach the journal too (they once reached only fixtures).
    @Test func theJournalRedactsWhatTheRecorderRedacts() throws {
        let log = CollectedLog()
        let handler = ExchangeHandler(store: FixtureStore([]), logger: log.logger, secrets: Self.policy)
        ReliabilityRegressionTests.exchange(handler, Self.request)
        let entry = try #require(handler.journal.entries().last)
        let shown = "\(entry.headers) \(entry.query) \(entry.body) \(entry.nearMiss ?? "")"
        for secret in [Self.key, Self.internalAuth, Self.queryToken] {
            #expect(!shown.contains(secret), "the journal shows \(secret): \(shown)")
            #expect(!log.text.contains(secret), "the log shows \(secret)")
        }
        #expect(entry.header("x-internal-auth") == SecretPolicy.placeholder)
        #expect(entry.body.contains(#""api_key":"REDACTED""#))
    }

    /// A response header such as `x-upstream-token` is a secret in a fixture as in the journal.
    @Test func responseHeadersFollowTheSamePolicy() {
        let scope = Self.policy.scope(for: Self.request)
        let headers = scope.headers(HeaderFields([("x-upstream-token", "tok-abcdef123"), ("x-request-id", "r-1")]))
        #expect(headers["x-upstream-token"] == SecretPolicy.placeholder)
        #expect(headers["x-request-id"] == "r-1")
        #expect(Self.policy.isSecretHeader("X-MockScope-Admin-Token"))
        #expect(Self.policy.isSecretHeader("x-internal-auth"))
    }

    /// The names the policy's doc lists, spelled as clients spell them, and names close to them
    /// that are not secrets (the byte search and the short-name shortcut must keep every answer).
    @Test func secretNamesAsDocumented() {
        let standard = SecretPolicy.standard
        for name in ["Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "X-Api-Key", "api-key", "X-DashScope-ApiKey",
                     "x-dashscope-access-token", "X-Goog-Api-Key", "my_api_key", "x-apikey-2", "X-Session-Token", "x-client-secret", "TOKEN"] {
            #expect(standard.isSecretHeader(name), "\(name)")
        }
        for name in ["Content-Type", "x-dashscope-sse", "X-DashScope-WorkSpace", "keep-alive", "x-request-id", "tok", "k", ""] {
            #expect(!standard.isSecretHeader(name), "\(name)")
        }
        for name in ["api_key", "apiKey", "API-KEY", "access_token", "refresh_token", "client_secret", "secret", "secret_key",
                     "password", "x_api_key", "Secret"] {
            #expect(standard.isSecretField(name), "\(name)")
        }
        for name in ["model", "role", "key", "token", "secre", "content", "messages", "apikeys", "\u{212A}ey", ""] {
            #expect(!standard.isSecretField(name), "\(name)")
        }
        // A --redact name shorter than six letters still counts.
        #expect(SecretPolicy(extraNames: ["pin"]).isSecretField("PIN"))
        #expect(SecretPolicy(extraNames: ["pin"]).isSecretHeader("Pin"))
    }

    /// One stable hash: a recording's name and a key's fingerprint use the same FNV-1a.
    @Test func oneStableHash() {
        #expect(StableHash("abc").value == 0xe71fa2190541574b)
        #expect(SecretPolicy.fingerprint("abc") == "key-e71fa219")
    }
}
