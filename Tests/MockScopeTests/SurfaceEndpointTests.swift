import Foundation
@testable import MockScope
import MockScopeHTTPTypes
import MockScopeTesting
import Testing

/// Embeddings, rerank and the tokenizer below the SDKs (Tests/python/test_surface.py has them
/// through the SDKs): the encodings, the tokenizer's count against the synthesizer's, the catalog rows.
@Suite struct SurfaceEndpointTests {
    @Test func base64IsLittleEndianFloat32() throws {
        let vector = [0.5, -0.25, 1.0 / 3.0]
        let bytes = try #require(Data(base64Encoded: VectorText.base64(vector)))
        let raw = [UInt8](bytes)
        var decoded: [Float] = []
        for offset in stride(from: 0, to: raw.count, by: 4) {
            var bits: UInt32 = 0
            for byte in 0..<4 { bits |= UInt32(raw[offset + byte]) << (8 * UInt32(byte)) }
            decoded.append(Float(bitPattern: bits))
        }
        #expect(decoded == vector.map { Float($0) })
        #expect(VectorText.json(vector, encoding: .float) == "[0.5,-0.25,0.33333334]")
    }

    @Test func tokenizerCountsWhatTheSynthesizerCounts() throws {
        #expect(PromptTokenizer.head.count + PromptTokenizer.tail.count == SynthesizedAnswer.promptOverhead)
        for text in ["", "a", "hello world", "你好世界", "你好世界 hello, and a longer English sentence here.", String(repeating: "长", count: 37)] {
            let body = try JSONValue.parse(Array(#"{"model":"qwen-plus","input":{"messages":[{"role":"user","content":\#(CanonicalJSON.string(.string(text)))}]}}"#.utf8))
            let input = SynthesisInput(surface: .native(multimodal: false), body: body)
            #expect(PromptTokenizer.tokens(input).count == SynthesizedAnswer(input).inputTokens, "\(text)")
            #expect(PromptTokenizer.pieces(text).joined() == text)
        }
    }

    @Test func catalogKnowsEmbeddingLimits() throws {
        let v4 = try #require(ModelCatalog.builtIn.model(named: "text-embedding-v4"))
        #expect(v4.vectorLength == 1024 && v4.maxBatch == 10 && v4.dimensions.contains(64))
        #expect(try #require(ModelCatalog.builtIn.model(named: "text-embedding-v3")).dimensions == [1024, 768, 512])
        #expect(try #require(ModelCatalog.builtIn.model(named: "qwen3-rerank")).maxBatch == 500)
        let bad = ModelCatalogLoader.parse(yaml: "models:\n  - name: e\n    like: text-embedding-v4\n    source: x\n    dimensions: [8]\n    default_dimensions: 16\n",
                                           file: "t.yaml", base: .builtIn)
        guard case .failure(let problem) = bad else { Issue.record("loaded"); return }
        #expect(problem.message.contains("default_dimensions"))
    }

    @Test func rerankRanksTheDocumentThatSharesTheQuerysWordsFirst() {
        let ranked = LexicalRelevance.rank(query: "reset router password", documents: ["bananas", "reset the router password now", "router antennas"])
        #expect(ranked.map(\.index) == [1, 2, 0])
        #expect(ranked.allSatisfy { $0.score >= 0 && $0.score < 1 })
        #expect(ranked == LexicalRelevance.rank(query: "reset router password", documents: ["bananas", "reset the router password now", "router antennas"]))
    }

    /// A recorded embedding fixture replays on the path validation now checks (the default fixture).
    @Test func embeddingFixtureStillReplaysAndModelsComeFromTheCatalog() throws {
        let server = try TestServer()
        defer { server.stop() }
        let headers = [("Authorization", "Bearer k"), ("Content-Type", "application/json")]
        let replayed = try RawHTTP.exchange(port: server.port, "POST", EmbeddingsModule.compatiblePath, headers: headers,
                                            body: #"{"model":"text-embedding-v4","input":"衣服的质量杠杠的","dimensions":64,"encoding_format":"float"}"#)
        #expect(replayed.status == 200)
        #expect(server.requests(path: EmbeddingsModule.compatiblePath).last?.fixture == "compat/text-embedding-v4/short-text")
        let models = try RawHTTP.exchange(port: server.port, "GET", CompatibleModelsModule.path, headers: headers)
        let ids = try JSONValue.parse(models.body)["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids == ModelCatalog.builtIn.models.map(\.name))
        #expect(try RawHTTP.exchange(port: server.port, "GET", CompatibleModelsModule.path + "/nope", headers: headers).status == 404)
    }
}
