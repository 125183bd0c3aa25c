import Foundation
import Yams

/// Reads model catalog files (catalog/models.yaml's format, docs/model-catalog.md): YAML with a
/// `models:` list. A row may start from an earlier one (`like: NAME`, also a built-in one) and
/// change only what differs. Every problem names the file, the line and what to write instead.
public enum ModelCatalogLoader {
    /// The format version this loader reads (`mockscope-models: 1`).
    public static let formatVersion = 1
    /// The name a fixtures folder's catalog has.
    public static let folderFileName = "models.yaml"

    static let rowFields = ["name", "snapshots", "like", "source", "endpoints", "thinking", "stream_only", "non_stream_thinking",
                            "input", "output",
                            "context_window", "max_input", "max_output", "tools", "json_mode", "search", "parameters",
                            "dimensions", "default_dimensions", "batch"]

    /// `base` with the rows of every file added in order (later files win), or the first problem.
    public static func load(files: [String], base: ModelCatalog) -> Result<ModelCatalog, ModelCatalogProblem> {
        var catalog = base
        for file in files {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                return .failure(ModelCatalogProblem(file: file, location: "-", message: "cannot be read as UTF-8 text; check the path and its permissions"))
            }
            switch parse(yaml: text, file: file, base: catalog) {
            case .success(let loaded): catalog = loaded
            case .failure(let problem): return .failure(problem)
            }
        }
        return .success(catalog)
    }

    /// The `models.yaml` of each folder that has one.
    public static func folderFiles(_ directories: [String]) -> [String] {
        directories.map { ($0 as NSString).appendingPathComponent(folderFileName) }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// `base` with the rows of one YAML document added.
    public static func parse(yaml: String, file: String, base: ModelCatalog) -> Result<ModelCatalog, ModelCatalogProblem> {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return .failure(ModelCatalogProblem(file: file, location: ScenarioLoader.yamlLocation(error),
                                                message: "not valid YAML: \(ScenarioLoader.yamlProblem(error))"))
        } catch {
            return .failure(ModelCatalogProblem(file: file, location: "-", message: "not valid YAML: \(error)"))
        }
        do {
            return .success(try Reader(file: file).catalog(node, base: base))
        } catch let problem as ModelCatalogProblem {
            return .failure(problem)
        } catch {
            return .failure(ModelCatalogProblem(file: file, location: "-", message: "\(error)"))
        }
    }

    struct Reader {
        let file: String

        func fail(_ node: Node?, _ message: String) -> ModelCatalogProblem {
            let location = node?.mark.map { "line \($0.line), column \($0.column)" } ?? "line 1"
            return ModelCatalogProblem(file: file, location: location, message: message)
        }

        func catalog(_ node: Node?, base: ModelCatalog) throws -> ModelCatalog {
            guard let node, let top = node.mapping else {
                throw fail(node, "expected a mapping with `models:`, a list of models (docs/model-catalog.md)")
            }
            for (key, _) in top where !["mockscope-models", "models"].contains(key.string ?? "") {
                throw fail(key, "unknown top-level key `\(key.string ?? "?")`; write `mockscope-models: 1` and `models:`")
            }
            if let version = top["mockscope-models"], version.int != ModelCatalogLoader.formatVersion {
                throw fail(version, "`mockscope-models` must be \(ModelCatalogLoader.formatVersion)")
            }
            guard let list = top["models"] else { throw fail(node, "missing `models:`, a list of models (docs/model-catalog.md)") }
            guard let rows = list.sequence else { throw fail(list, "`models` must be a list of models, each a mapping starting `- name:`") }
            var catalog = base
            for row in rows { catalog.add(try model(row, catalog: catalog)) }
            return catalog
        }

        func model(_ node: Node, catalog: ModelCatalog) throws -> ModelInfo {
            guard let fields = node.mapping else { throw fail(node, "each model must be a mapping (`- name: qwen-plus` ...)") }
            for (key, _) in fields where !ModelCatalogLoader.rowFields.contains(key.string ?? "") {
                throw fail(key, "unknown field `\(key.string ?? "?")`; the fields are \(ModelCatalogLoader.rowFields.joined(separator: ", "))")
            }
            guard let nameNode = fields["name"] else { throw fail(node, "missing `name:` (the model name requests send)") }
            let name = try string(nameNode, "name")
            guard !name.isEmpty else { throw fail(nameNode, "`name` must not be empty") }

            var info: ModelInfo
            if let likeNode = fields["like"] {
                let like = try string(likeNode, "like")
                guard var base = catalog.model(named: like), base.name == like else {
                    throw fail(likeNode, "`like: \(like)` names no model listed before this row or built in")
                }
                base.name = name
                base.snapshots = false
                info = base
            } else {
                for required in ["endpoints", "thinking", "context_window", "max_output"] where fields[required] == nil {
                    throw fail(node, "model `\(name)`: missing `\(required):` (or start from another row with `like: NAME`)")
                }
                info = ModelInfo(name: name, snapshots: false, source: "", surfaces: [], thinking: .never, streamOnly: false,
                                 inputModalities: ["text"], outputModalities: ["text"], contextWindow: 0, maxInput: 0, maxOutput: 0,
                                 tools: true, jsonMode: true, search: true, parameters: [:])
            }
            guard let sourceNode = fields["source"] else { throw fail(node, "model `\(name)`: missing `source:` (the doc URL its figures come from)") }
            info.source = try string(sourceNode, "source")
            if let value = fields["snapshots"] { info.snapshots = try bool(value, "snapshots") }
            if let value = fields["endpoints"] {
                let names = try strings(value, "endpoints")
                var surfaces: Set<ModelInfo.Surface> = []
                for surface in names {
                    guard let known = ModelInfo.Surface(rawValue: surface) else {
                        throw fail(value, "unknown endpoint `\(surface)`; use \(ModelInfo.Surface.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    surfaces.insert(known)
                }
                guard !surfaces.isEmpty else { throw fail(value, "`endpoints` must name at least one endpoint") }
                info.surfaces = surfaces
            }
            if let value = fields["thinking"] {
                let text = try string(value, "thinking")
                guard let thinking = ModelInfo.Thinking(rawValue: text) else {
                    throw fail(value, "`thinking: \(text)` is not one of \(ModelInfo.Thinking.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                info.thinking = thinking
            }
            if let value = fields["stream_only"] { info.streamOnly = try bool(value, "stream_only") }
            if let value = fields["non_stream_thinking"] { info.nonStreamThinking = try bool(value, "non_stream_thinking") }
            if let value = fields["input"] { info.inputModalities = try strings(value, "input") }
            if let value = fields["output"] { info.outputModalities = try strings(value, "output") }
            let hadOwnInput = fields["max_input"] != nil
            if let value = fields["context_window"] { info.contextWindow = try count(value, "context_window") }
            if let value = fields["max_output"] { info.maxOutput = try count(value, "max_output") }
            if let value = fields["max_input"] {
                info.maxInput = try count(value, "max_input")
            } else if fields["like"] == nil || fields["context_window"] != nil {
                info.maxInput = info.contextWindow
            }
            if info.maxInput > info.contextWindow, hadOwnInput {
                throw fail(fields["max_input"], "model `\(name)`: `max_input` (\(info.maxInput)) is larger than `context_window` (\(info.contextWindow))")
            }
            if let value = fields["tools"] { info.tools = try bool(value, "tools") }
            if let value = fields["json_mode"] { info.jsonMode = try bool(value, "json_mode") }
            if let value = fields["search"] { info.search = try bool(value, "search") }
            if let value = fields["parameters"] { info.parameters = try parameters(value, base: info.parameters) }
            if let value = fields["dimensions"] {
                guard let items = value.sequence else { throw fail(value, "`dimensions` must be a list of vector lengths (`[1024, 768, 512]`)") }
                info.dimensions = try items.map { try count($0, "dimensions") }
            }
            if let value = fields["default_dimensions"] { info.defaultDimensions = try count(value, "default_dimensions") }
            if !info.dimensions.isEmpty, info.defaultDimensions != 0, !info.dimensions.contains(info.defaultDimensions) {
                throw fail(fields["default_dimensions"] ?? fields["dimensions"], "model `\(name)`: `default_dimensions` (\(info.defaultDimensions)) is not one of `dimensions`")
            }
            if let value = fields["batch"] { info.maxBatch = try count(value, "batch") }
            return info
        }

        func parameters(_ node: Node, base: [String: ParameterRange]) throws -> [String: ParameterRange] {
            guard let pairs = node.mapping else { throw fail(node, "`parameters` must map a parameter to `[min, max]` (n: [1, 1])") }
            var result = base
            let known = ParameterRange.defaults(for: .compatible).merging(ParameterRange.defaults(for: .native)) { a, _ in a }
            for (key, value) in pairs {
                let name = key.string ?? ""
                guard let template = known[name] else {
                    throw fail(key, "no range is checked for `\(name)`; the parameters are \(known.keys.sorted().joined(separator: ", "))")
                }
                guard let bounds = value.sequence, bounds.count == 2, let low = bounds[0].float, let high = bounds[1].float, low <= high else {
                    throw fail(value, "`parameters.\(name)` must be `[min, max]` with min <= max")
                }
                var range = template
                range.min = low
                range.max = high
                result[name] = range
            }
            return result
        }

        func string(_ node: Node, _ field: String) throws -> String {
            guard let scalar = node.scalar else { throw fail(node, "`\(field)` must be a single value, not a list or mapping") }
            return scalar.string
        }

        func strings(_ node: Node, _ field: String) throws -> [String] {
            guard let items = node.sequence else { throw fail(node, "`\(field)` must be a list (`[text, image]`)") }
            return try items.map { try string($0, field) }
        }

        func bool(_ node: Node, _ field: String) throws -> Bool {
            guard let value = node.bool else { throw fail(node, "`\(field)` must be true or false") }
            return value
        }

        func count(_ node: Node, _ field: String) throws -> Int {
            guard let value = node.int, value >= 0 else { throw fail(node, "`\(field)` must be a whole number of tokens, 0 or more") }
            return value
        }
    }
}
