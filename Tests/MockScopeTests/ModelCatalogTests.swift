import Foundation
@testable import MockScope
import MockScopeRuntime
import Testing

@Suite struct ModelCatalogTests {
    func parse(_ yaml: String, base: ModelCatalog = ModelCatalog()) -> Result<ModelCatalog, ModelCatalogProblem> {
        ModelCatalogLoader.parse(yaml: yaml, file: "test.yaml", base: base)
    }

    /// The built-in catalog loads, every row names its source, and the families the docs list are there.
    @Test func builtInCatalogCoversTheDocumentedFamilies() throws {
        let catalog = ModelCatalog.builtIn
        #expect(catalog.models.allSatisfy { !$0.source.isEmpty })
        for name in ["qwen3-max", "qwen-plus", "qwen-flash", "qwen-turbo", "qwen3.5-plus", "qwen3.6-plus", "qwen3-32b", "qwq-plus",
                     "qvq-max", "qwen-vl-max", "qwen3-vl-plus", "qwen-omni-turbo", "qwen3-coder-plus", "qwen-mt-plus",
                     "text-embedding-v4", "gte-rerank-v2"] {
            #expect(catalog.model(named: name) != nil, "\(name)")
        }
        let qwq = try #require(catalog.model(named: "qwq-plus"))
        #expect(qwq.thinking == .always && qwq.streamOnly)
        #expect(try #require(catalog.model(named: "qwen3.5-plus")).thinking == .defaultOn)
        #expect(try #require(catalog.model(named: "qwen-plus")).thinking == .optional)
        #expect(try #require(catalog.model(named: "qwen-max")).maxOutput == 8192)
    }

    /// Figures the docs settled (docs/protocol-notes.md, models §1): a row holds what the model list
    /// states, and a snapshot the list gives other figures has its own row.
    @Test func builtInFiguresFollowTheModelList() throws {
        let catalog = ModelCatalog.builtIn
        func figures(_ name: String) throws -> [Int] {
            let info = try #require(catalog.model(named: name), "\(name)")
            return [info.contextWindow, info.maxInput, info.maxOutput]
        }
        #expect(try figures("qwen3-14b") == [131072, 129024, 8192])
        #expect(try figures("qwen3-4b") == [131072, 129024, 8192])
        #expect(try figures("qwen3-0.6b") == [32768, 30720, 8192])
        #expect(try figures("qwen3-32b") == [131072, 129024, 16384])
        #expect(try figures("qwen3-vl-flash") == [262144, 260096, 32768])
        #expect(try figures("qwen3.5-397b-a17b") == [262144, 260096, 65536])
        #expect(try figures("qwen-plus-2025-07-14") == [131072, 129024, 16384])
        #expect(try figures("qwen-plus-2025-09-11") == [1000000, 997952, 32768])
        #expect(try #require(catalog.model(named: "qwen3-max-2025-09-23")).thinking == .never)
        #expect(try #require(catalog.model(named: "qwen3-max-2026-01-23")).thinking == .optional)
        #expect(try #require(catalog.model(named: "qwen3-vl-8b-thinking")).thinking == .always)
        #expect(try #require(catalog.model(named: "qwen-mt-lite")).maxInput == 8192)
    }

    /// A dated snapshot is its model; the longest row wins; a name that only shares a prefix is unknown.
    @Test func snapshotsResolveToTheirRow() throws {
        let catalog = ModelCatalog.builtIn
        #expect(catalog.model(named: "qwen-plus-2025-07-28")?.name == "qwen-plus")
        #expect(catalog.model(named: "qwen3-vl-plus-2025-09-23")?.name == "qwen3-vl-plus")
        #expect(catalog.model(named: "qwen-plusx") == nil)
        #expect(catalog.model(named: "qwen3-32b-extra") == nil)  // no snapshots for open-source sizes
    }

    /// `like:` copies a row and changes only what the new row says; a later file replaces a row.
    @Test func likeCopiesAndLaterRowsReplace() throws {
        let yaml = """
        mockscope-models: 1
        models:
          - name: base
            source: s
            endpoints: [compatible]
            thinking: optional
            context_window: 1000
            max_output: 10
            parameters:
              n: [1, 2]
          - name: copy
            like: base
            source: t
            thinking: always
        """
        let catalog = try parse(yaml).get()
        let copy = try #require(catalog.model(named: "copy"))
        #expect(copy.thinking == .always && copy.maxOutput == 10 && copy.contextWindow == 1000 && copy.maxInput == 1000)
        #expect(copy.range(of: "n", surface: .compatible)?.max == 2)
        #expect(copy.range(of: "temperature", surface: .compatible) == ParameterRange.defaults(for: .compatible)["temperature"])
        let replaced = try parse("models:\n  - name: base\n    like: copy\n    source: u\n    max_output: 5\n", base: catalog).get()
        #expect(replaced.model(named: "base")?.maxOutput == 5)
        #expect(replaced.model(named: "base")?.thinking == .always)
    }

    /// Each malformed file names its line and column and what to write.
    @Test(arguments: [
        ("models:\n  - name: x\n    source: s\n    endpoints: [compatible]\n    thinking: maybe\n    context_window: 1\n    max_output: 1\n",
         "line 5, column 15", "`thinking: maybe` is not one of never, optional, default-on, always"),
        ("models:\n  - name: x\n    source: s\n    endpoints: [chat]\n    thinking: never\n    context_window: 1\n    max_output: 1\n",
         "line 4, column 16", "unknown endpoint `chat`"),
        ("models:\n  - name: x\n    source: s\n    thinking: never\n",
         "line 2, column 5", "model `x`: missing `endpoints:`"),
        ("models:\n  - name: x\n    like: nothing\n    source: s\n",
         "line 3, column 11", "`like: nothing` names no model"),
        ("models:\n  - name: x\n    like: qwen-plus\n", "line 2, column 5", "missing `source:`"),
        ("models:\n  - name: x\n    like: qwen-plus\n    source: s\n    max_output: -3\n", "line 5, column 17", "`max_output` must be a whole number"),
        ("models:\n  - name: x\n    like: qwen-plus\n    source: s\n    colour: red\n", "line 5, column 5", "unknown field `colour`"),
        ("models:\n  - name: x\n    like: qwen-plus\n    source: s\n    parameters:\n      n: [3, 1]\n", "line 6, column 10",
         "`parameters.n` must be `[min, max]` with min <= max"),
        ("mockscope-models: 2\nmodels: []\n", "line 1, column 19", "`mockscope-models` must be 1"),
        ("models: {}\n", "line 1, column 9", "`models` must be a list"),
        ("models:\n  - name: [x\n", "line 3, column 1", "not valid YAML"),
    ])
    func malformedFilesNameTheirPosition(yaml: String, location: String, message: String) {
        switch parse(yaml, base: .builtIn) {
        case .success: Issue.record("loaded: \(yaml)")
        case .failure(let problem):
            #expect(problem.file == "test.yaml")
            #expect(problem.location == location, "\(problem)")
            #expect(problem.message.contains(message), "\(problem)")
        }
    }

    /// A start with a bad `--models` file throws the problem (file, position); a good one is in the settings.
    @Test func serverStartLoadsModelsFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.yaml").path
        try "models:\n  - name: mine\n    like: qwen-max\n    source: s\n".write(toFile: good, atomically: true, encoding: .utf8)
        let bad = folder.appendingPathComponent("bad.yaml").path
        try "models:\n  - name: mine\n    source: s\n    like: nope\n".write(toFile: bad, atomically: true, encoding: .utf8)

        var options = ServerOptions()
        options.readsWorkingDirectory = false
        options.preparesAnswers = false
        options.modelFiles = [good]
        let service = try MockScopeService(options: options)
        #expect(service.handler.settings.catalog.model(named: "mine")?.maxOutput == 8192)

        options.modelFiles = [bad]
        #expect(throws: ModelCatalogProblem(file: bad, location: "line 4, column 11",
                                            message: "`like: nope` names no model listed before this row or built in")) {
            _ = try MockScopeService(options: options)
        }
    }
}
