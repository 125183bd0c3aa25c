import Foundation
import Yams

/// A problem with a scenario: the file, the line (or JSON location) and what to fix.
public struct ScenarioProblem: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var location: String
    public var message: String
    public var description: String { "\(file): \(location): \(message)" }
}

/// Reads scenarios from YAML files (Yams) or JSON (the admin API), validating every field.
public enum ScenarioLoader {
    /// A neutral tree both YAML and JSON become, carrying where each value was.
    indirect enum Tree {
        case scalar(String, at: String)
        case list([Tree], at: String)
        case map([(key: String, value: Tree)], at: String)

        var location: String {
            switch self {
            case .scalar(_, let at), .list(_, let at), .map(_, let at): return at
            }
        }
    }

    // MARK: sources

    /// Parses one YAML document (at most `ScenarioLimits.maxFileBytes`, and at most
    /// `ScenarioLimits.maxNodes` nodes once its aliases are expanded).
    public static func parse(yaml: String, file: String) -> Result<Scenario, ScenarioProblem> {
        if yaml.utf8.count > ScenarioLimits.maxFileBytes {
            return .failure(ScenarioProblem(file: file, location: "-", message: tooLarge(bytes: yaml.utf8.count)))
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return .failure(ScenarioProblem(file: file, location: yamlLocation(error), message: "not valid YAML: \(yamlProblem(error))"))
        } catch {
            return .failure(ScenarioProblem(file: file, location: "-", message: "not valid YAML: \(error)"))
        }
        guard let node else { return .failure(ScenarioProblem(file: file, location: "line 1", message: "the file is empty; write a scenario (docs/scenarios.md)")) }
        var budget = ScenarioLimits.maxNodes
        guard let root = tree(node, budget: &budget) else {
            return .failure(ScenarioProblem(file: file, location: node.mark.map { "line \($0.line)" } ?? "-", message: tooManyNodes))
        }
        return validate(root, file: file, origin: file)
    }

    static func tooLarge(bytes: Int) -> String {
        "the file is \(bytes) bytes; a scenario may be at most \(ScenarioLimits.maxFileBytes) bytes (docs/scenarios.md, Limits)"
    }

    static let tooManyNodes = "the document has more than \(ScenarioLimits.maxNodes) values once its aliases (*name) are expanded; "
        + "write the values out or use fewer aliases (docs/scenarios.md, Limits)"

    /// Parses a scenario sent as JSON to the admin API.
    public static func parse(json: JSONValue, origin: String = "admin") -> Result<Scenario, ScenarioProblem> {
        validate(tree(json, at: "$"), file: origin, origin: origin)
    }

    /// The neutral tree of a YAML node, or nil when it would have more than `budget` nodes. Yams
    /// shares an alias's node with its anchor, so a few lines of aliases are a tiny node graph but
    /// an exponential tree: the budget counts every node as it is expanded, and stops there.
    static func tree(_ node: Node, budget: inout Int) -> Tree? {
        budget -= 1
        guard budget >= 0 else { return nil }
        let at = node.mark.map { "line \($0.line)" } ?? "-"
        switch node {
        case .scalar(let scalar): return .scalar(scalar.string, at: at)
        case .sequence(let sequence):
            var items: [Tree] = []
            for item in sequence {
                guard let child = tree(item, budget: &budget) else { return nil }
                items.append(child)
            }
            return .list(items, at: at)
        case .mapping(let mapping):
            var pairs: [(key: String, value: Tree)] = []
            for (key, value) in mapping {
                // A key is a node too (an alias to a large mapping used as a key counts whole).
                budget -= 1
                guard budget >= 0, let child = tree(value, budget: &budget) else { return nil }
                pairs.append((key: key.string ?? String(describing: key).prefix(200).description, value: child))
            }
            return .map(pairs, at: at)
        case .alias: return .scalar("", at: at)
        }
    }

    static func tree(_ value: JSONValue, at path: String) -> Tree {
        switch value {
        case .null: return .scalar("", at: path)
        case .bool(let b): return .scalar(b ? "true" : "false", at: path)
        case .number(let n):
            // Whole numbers as integers (a seed may be large); others as written.
            if n == n.rounded(), n >= 0, n < 18_446_744_073_709_551_616 { return .scalar(String(UInt64(n)), at: path) }
            if n == n.rounded(), n < 0, n > -9_223_372_036_854_775_808 { return .scalar(String(Int64(n)), at: path) }
            return .scalar(String(n), at: path)
        case .string(let s): return .scalar(s, at: path)
        case .array(let items): return .list(items.enumerated().map { tree($1, at: "\(path)[\($0)]") }, at: path)
        case .object(let members): return .map(members.keys.sorted().map { (key: $0, value: tree(members[$0]!, at: "\(path).\($0)")) }, at: path)
        }
    }

    static func yamlLocation(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return "line \(mark.line), column \(mark.column)"
        default:
            return "-"
        }
    }

    static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(error)"
        }
    }

    // MARK: validation

    static func validate(_ root: Tree, file: String, origin: String) -> Result<Scenario, ScenarioProblem> {
        do {
            return .success(try Validator(file: file).scenario(root, origin: origin))
        } catch let problem as ScenarioProblem {
            return .failure(problem)
        } catch {
            return .failure(ScenarioProblem(file: file, location: "-", message: "\(error)"))
        }
    }

    struct Validator {
        let file: String

        func fail(_ tree: Tree, _ message: String) -> ScenarioProblem {
            ScenarioProblem(file: file, location: tree.location, message: message)
        }

        func map(_ tree: Tree, _ what: String, allowed: Set<String>) throws -> [String: Tree] {
            guard case .map(let pairs, _) = tree else { throw fail(tree, "\(what) must be a mapping (key: value)") }
            var result: [String: Tree] = [:]
            for (key, value) in pairs {
                guard allowed.contains(key) else {
                    throw fail(value, "\(what) has no field \"\(key)\"; allowed: \(allowed.sorted().joined(separator: ", "))")
                }
                result[key] = value
            }
            return result
        }

        func string(_ tree: Tree, _ what: String) throws -> String {
            guard case .scalar(let text, _) = tree else { throw fail(tree, "\(what) must be a single value") }
            return text
        }

        func number(_ tree: Tree, _ what: String, minimum: Double = 0, maximum: Double) throws -> Double {
            let text = try string(tree, what)
            guard let value = Double(text), value.isFinite, value >= minimum, value <= maximum else {
                throw fail(tree, "\(what) must be a number from \(show(minimum)) to \(show(maximum)), not \"\(text)\"")
            }
            return value
        }

        func integer(_ tree: Tree, _ what: String, minimum: Int = 1, maximum: Int = ScenarioLimits.maxCount) throws -> Int {
            let text = try string(tree, what)
            guard let value = Int(text), value >= minimum, value <= maximum else {
                throw fail(tree, "\(what) must be a whole number from \(minimum) to \(maximum), not \"\(text.prefix(40))\"")
            }
            return value
        }

        func show(_ value: Double) -> String { value.isInfinite ? "any" : (value == value.rounded() ? String(Int(value)) : String(value)) }

        func scenario(_ root: Tree, origin: String) throws -> Scenario {
            let fields = try map(root, "a scenario", allowed: ["name", "description", "match", "seed", "steps", "active"])
            guard let nameTree = fields["name"] else { throw fail(root, "missing \"name\": give the scenario a name") }
            let name = try string(nameTree, "name")
            guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
                throw fail(nameTree, "name must start with a letter or digit, then letters, digits, '.', '_' or '-' (it is used in URLs and headers)")
            }
            let description = try fields["description"].map { try string($0, "description") }
            let selector = try fields["match"].map(selectorFrom) ?? ScenarioSelector()
            var seed: UInt64?
            if let seedTree = fields["seed"] {
                guard let value = UInt64(try string(seedTree, "seed")) else {
                    throw fail(seedTree, "seed must be a whole number from 0 to \(UInt64.max)")
                }
                seed = value
            }
            guard let stepsTree = fields["steps"] else { throw fail(root, "missing \"steps\": list what happens to the matched requests") }
            guard case .list(let items, _) = stepsTree, !items.isEmpty else { throw fail(stepsTree, "steps must be a non-empty list") }
            guard items.count <= ScenarioLimits.maxSteps else {
                throw fail(stepsTree, "\(items.count) steps; a scenario may have at most \(ScenarioLimits.maxSteps)")
            }
            var steps: [ScenarioStep] = []
            for (index, item) in items.enumerated() {
                let step = try stepFrom(item)
                if step.times == nil, index < items.count - 1 {
                    throw fail(item, "only the last step may omit \"times\" (a step without it takes every later request)")
                }
                steps.append(step)
            }
            return Scenario(name: name, description: description, selector: selector, seed: seed, steps: steps, origin: origin)
        }

        func selectorFrom(_ tree: Tree) throws -> ScenarioSelector {
            let fields = try map(tree, "match", allowed: ["path", "model", "headers", "fixture", "api_key"])
            var selector = ScenarioSelector()
            selector.path = try fields["path"].map { try string($0, "match.path") }
            selector.model = try fields["model"].map { try string($0, "match.model") }
            selector.fixture = try fields["fixture"].map { try string($0, "match.fixture") }
            selector.apiKey = try fields["api_key"].map { try string($0, "match.api_key") }
            if let headers = fields["headers"] {
                guard case .map(let pairs, _) = headers else { throw fail(headers, "match.headers must be a mapping of header: value") }
                selector.headers = try pairs.map { (name: $0.key, value: try string($0.value, "match.headers.\($0.key)")) }
            }
            if let path = selector.path, !path.hasPrefix("/") { throw fail(fields["path"]!, "match.path must start with /") }
            return selector
        }

        func stepFrom(_ tree: Tree) throws -> ScenarioStep {
            let fields = try map(tree, "a step", allowed: ["faults", "times", "every", "chance", "from_ms", "until_ms"])
            guard let faultsTree = fields["faults"] else { throw fail(tree, "a step needs \"faults\" (a list; [] for none)") }
            guard case .list(let items, _) = faultsTree else {
                throw fail(faultsTree, "faults must be a list, e.g. [\"http_error status=429\"]")
            }
            var faults: [any Fault] = []
            for item in items { faults += try faultsFrom(item) }
            var step = ScenarioStep(faults: faults)
            step.times = try fields["times"].map { try integer($0, "times") }
            step.every = try fields["every"].map { try integer($0, "every") }
            step.chance = try fields["chance"].map { try number($0, "chance", minimum: 0, maximum: 1) }
            step.fromMs = try fields["from_ms"].map { try number($0, "from_ms", maximum: ScenarioLimits.maxWindowMs) }
            step.untilMs = try fields["until_ms"].map { try number($0, "until_ms", maximum: ScenarioLimits.maxWindowMs) }
            if let from = step.fromMs, let until = step.untilMs, until <= from {
                throw fail(fields["until_ms"]!, "until_ms must be later than from_ms")
            }
            return step
        }

        func faultsFrom(_ tree: Tree) throws -> [any Fault] {
            do {
                switch tree {
                case .scalar(let text, _):
                    return try FaultRegistry.parse(text)
                case .map(let pairs, _):
                    var kind: String?
                    var values: [String: String] = [:]
                    for (key, value) in pairs {
                        let text = try string(value, key)
                        if key == "kind" { kind = text } else { values[key] = text }
                    }
                    guard let kind else { throw fail(tree, "a fault written as a mapping needs \"kind\", e.g. {kind: drop, after_events: 3}") }
                    return [try FaultRegistry.make(FaultParameters(kind: kind, values: values))]
                case .list:
                    throw fail(tree, "a fault is a string (\"drop after_events=3\") or a mapping, not a list")
                }
            } catch let error as FaultSpecError {
                throw fail(tree, error.description)
            }
        }
    }

    // MARK: files

    /// Loads every `*.yaml` / `*.yml` in a folder (not recursive), reporting every problem.
    public static func loadDirectory(_ directory: String) -> ([Scenario], [ScenarioProblem]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return ([], [ScenarioProblem(file: directory, location: "-", message: "no such folder")])
        }
        var scenarios: [Scenario] = []
        var problems: [ScenarioProblem] = []
        for name in names.sorted() where (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            switch load(file: path) {
            case .success(let scenario): scenarios.append(scenario)
            case .failure(let problem): problems.append(problem)
            }
        }
        return (scenarios, problems)
    }

    public static func load(file: String) -> Result<Scenario, ScenarioProblem> {
        // The size is checked before the file is read whole.
        if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int, size > ScenarioLimits.maxFileBytes {
            return .failure(ScenarioProblem(file: file, location: "-", message: tooLarge(bytes: size)))
        }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            return .failure(ScenarioProblem(file: file, location: "-", message: "cannot be read as UTF-8 text"))
        }
        return parse(yaml: text, file: file)
    }

    /// The scenario library built into the binary.
    public static func builtIn() -> [Scenario] {
        EmbeddedScenarios.files.compactMap { file in
            guard let data = Data(base64Encoded: file.base64), let text = String(data: data, encoding: .utf8) else { return nil }
            if case .success(let scenario) = parse(yaml: text, file: "built-in:\(file.path)") { return scenario }
            return nil
        }
    }

    /// Resolves `--scenario NAME|FILE`: a file path, else NAME in `./scenarios`, else the built-in library.
    public static func resolve(_ reference: String, builtIn: [Scenario]) -> Result<Scenario, ScenarioProblem> {
        if reference.hasSuffix(".yaml") || reference.hasSuffix(".yml") || reference.contains("/") {
            return load(file: reference)
        }
        for ext in ["yaml", "yml"] {
            let path = "scenarios/\(reference).\(ext)"
            if FileManager.default.fileExists(atPath: path) { return load(file: path) }
        }
        if let scenario = builtIn.first(where: { $0.name == reference }) { return .success(scenario) }
        let known = builtIn.map(\.name).sorted().joined(separator: ", ")
        return .failure(ScenarioProblem(file: reference, location: "-",
                                        message: "no scenario file or built-in scenario of that name; built-in: \(known)"))
    }
}
