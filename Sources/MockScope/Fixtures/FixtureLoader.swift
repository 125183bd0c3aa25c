import Foundation
import MockScopeHTTP

/// A problem with one fixture file: where it is and what to do about it.
public struct FixtureProblem: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    /// A JSON location (`response.events[3].at`) or a line/column for syntax errors.
    public var location: String
    public var message: String

    public var description: String { "\(file): \(location): \(message)" }
}

/// Every problem found while loading, so that one run shows them all.
public struct FixtureLoadError: Error, Sendable, CustomStringConvertible {
    public var problems: [FixtureProblem]
    public var description: String {
        "\(problems.count) problem(s) in fixtures:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Reads fixture files (format: docs/fixture-format.md, schema: schema/fixture.schema.json).
public enum FixtureLoader {
    /// Loads every `*.json` below each folder (names starting with `.` or ending in `.tmp` are skipped).
    /// Throws `FixtureLoadError` listing every problem found.
    public static func load(directories: [String]) throws -> [Fixture] {
        var fixtures: [Fixture] = []
        var problems: [FixtureProblem] = []
        for directory in directories {
            let (found, dirProblems) = loadDirectory(directory)
            fixtures += found
            problems += dirProblems
        }
        problems += duplicateNameProblems(fixtures)
        if !problems.isEmpty { throw FixtureLoadError(problems: problems) }
        return fixtures
    }

    /// Loads one folder; returns what loaded and every problem.
    public static func loadDirectory(_ directory: String) -> ([Fixture], [FixtureProblem]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return ([], [FixtureProblem(file: directory, location: "-", message: "no such folder; pass an existing folder to --fixtures")])
        }
        var fixtures: [Fixture] = []
        var problems: [FixtureProblem] = []
        for relative in jsonFiles(below: directory) {
            let path = (directory as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(FixtureProblem(file: path, location: "-", message: "cannot be read; check its permissions"))
                continue
            }
            let defaultName = String(relative.dropLast(".json".count))
            switch parse(Array(data), file: path, defaultName: defaultName) {
            case .success(let fixture): fixtures.append(fixture)
            case .failure(let problem): problems.append(problem)
            }
        }
        return (fixtures, problems)
    }

    /// The `.json` files below `directory`, relative paths, sorted.
    static func jsonFiles(below directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var result: [String] = []
        while let item = enumerator.nextObject() as? String {
            let name = (item as NSString).lastPathComponent
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            if name.hasSuffix(".json") { result.append(item) }
        }
        return result.sorted()
    }

    public static func duplicateNameProblems(_ fixtures: [Fixture]) -> [FixtureProblem] {
        var seen: [String: String] = [:]
        var problems: [FixtureProblem] = []
        for fixture in fixtures {
            if let other = seen[fixture.name] {
                problems.append(FixtureProblem(file: fixture.origin, location: "name",
                                               message: "the name \"\(fixture.name)\" is already used by \(other); give one of them another name"))
            } else {
                seen[fixture.name] = fixture.origin
            }
        }
        return problems
    }

    /// Parses one fixture document.
    public static func parse(_ bytes: [UInt8], file: String, defaultName: String) -> Result<Fixture, FixtureProblem> {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            return .failure(FixtureProblem(file: file, location: syntaxLocation(in: bytes),
                                           message: "not valid JSON; fix the syntax (a fixture is one JSON object, see docs/fixture-format.md)"))
        }
        do {
            return .success(try Reader(file: file).fixture(root, defaultName: defaultName))
        } catch let problem as FixtureProblem {
            return .failure(problem)
        } catch {
            return .failure(FixtureProblem(file: file, location: "-", message: "\(error)"))
        }
    }

    /// Where a JSON syntax error is, as "line L, column C". JSONDecoder does not say; Foundation's
    /// JSONSerialization reports a byte offset, turned here into a line and column.
    static func syntaxLocation(in bytes: [UInt8]) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let text = "\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error)"
            if let range = text.range(of: #"character \d+"#, options: .regularExpression),
               let offset = Int(text[range].dropFirst("character ".count)) {
                let prefix = bytes.prefix(min(offset, bytes.count))
                let line = prefix.filter { $0 == 10 }.count + 1
                let column = prefix.count - (prefix.lastIndex(of: 10).map { $0 + 1 } ?? 0) + 1
                return "line \(line), column \(column)"
            }
        }
        return "JSON syntax"
    }

    /// Walks a parsed document, reporting the first problem with its JSON location.
    struct Reader {
        let file: String

        func fail(_ location: String, _ message: String) -> FixtureProblem {
            FixtureProblem(file: file, location: location, message: message)
        }

        func fixture(_ root: JSONValue, defaultName: String) throws -> Fixture {
            guard let object = root.objectValue else { throw fail("$", "the document must be a JSON object") }
            let known: Set = ["$schema", "mockscope", "name", "description", "metadata", "request", "response"]
            if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail(extra, "unknown field; allowed: \(known.sorted().joined(separator: ", "))")
            }
            guard let version = object["mockscope"]?.numberValue else {
                throw fail("mockscope", "missing: add \"mockscope\": 1 (the format version)")
            }
            guard version == 1 else { throw fail("mockscope", "version \(version) is not supported; this MockScope reads version 1") }
            let name = try optionalString(object["name"], "name") ?? defaultName
            guard !name.isEmpty else { throw fail("name", "must not be empty") }
            let description = try optionalString(object["description"], "description")
            if let metadata = object["metadata"], metadata.objectValue == nil { throw fail("metadata", "must be an object") }
            guard let request = object["request"] else { throw fail("request", "missing: add the request to match") }
            guard let response = object["response"] else { throw fail("response", "missing: add the response to replay") }
            return Fixture(name: name, origin: file, description: description, metadata: object["metadata"],
                           request: try requestPattern(request), response: try recordedResponse(response))
        }

        func optionalString(_ value: JSONValue?, _ location: String) throws -> String? {
            guard let value else { return nil }
            guard let string = value.stringValue else { throw fail(location, "must be a string") }
            return string
        }

        func stringMap(_ value: JSONValue?, _ location: String) throws -> [(name: String, value: String)] {
            guard let value else { return [] }
            guard let object = value.objectValue else { throw fail(location, "must be an object of strings") }
            return try object.keys.sorted().map { key in
                guard let string = object[key]!.stringValue else { throw fail("\(location).\(key)", "must be a string") }
                return (key, string)
            }
        }

        func requestPattern(_ value: JSONValue) throws -> RequestPattern {
            guard let object = value.objectValue else { throw fail("request", "must be an object") }
            let known: Set = ["method", "path", "query", "headers", "body", "match", "ignore"]
            if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail("request.\(extra)", "unknown field; allowed: \(known.sorted().joined(separator: ", "))")
            }
            guard let method = object["method"]?.stringValue, !method.isEmpty else {
                throw fail("request.method", "missing: add the HTTP method, e.g. \"POST\"")
            }
            guard method == method.uppercased() else { throw fail("request.method", "write the method in upper case (\"\(method.uppercased())\")") }
            guard let path = object["path"]?.stringValue, path.hasPrefix("/") else {
                throw fail("request.path", "missing or not starting with \"/\": add the path, e.g. \"/compatible-mode/v1/chat/completions\"")
            }
            if path.contains("?") { throw fail("request.path", "the path must not contain a query; put it in request.query") }
            let query = Dictionary(try stringMap(object["query"], "request.query").map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            let headers = try stringMap(object["headers"], "request.headers")
            var match = MatchMode.exact
            if let modeValue = object["match"] {
                guard let text = modeValue.stringValue, let mode = MatchMode(rawValue: text) else {
                    throw fail("request.match", "must be \"exact\" or \"subset\"")
                }
                match = mode
            }
            var ignore: [String] = []
            if let ignoreValue = object["ignore"] {
                guard let items = ignoreValue.arrayValue else { throw fail("request.ignore", "must be a list of dotted paths") }
                for (index, item) in items.enumerated() {
                    guard let path = item.stringValue, !path.isEmpty else {
                        throw fail("request.ignore[\(index)]", "must be a dotted path such as \"temperature\" or \"parameters.seed\"")
                    }
                    ignore.append(path)
                }
            }
            return RequestPattern(method: method, path: path, query: query, headers: headers, body: object["body"],
                                  match: match, ignore: ignore)
        }

        func recordedResponse(_ value: JSONValue) throws -> RecordedResponse {
            guard let object = value.objectValue else { throw fail("response", "must be an object") }
            let known: Set = ["status", "headers", "body", "json", "events"]
            if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail("response.\(extra)", "unknown field; allowed: \(known.sorted().joined(separator: ", "))")
            }
            guard let statusNumber = object["status"]?.numberValue, statusNumber == statusNumber.rounded(),
                  (100...599).contains(statusNumber) else {
                throw fail("response.status", "missing or not an HTTP status (100-599)")
            }
            let headers = HTTPHeaders(try stringMap(object["headers"], "response.headers"))
            let present = ["body", "json", "events"].filter { object[$0] != nil }
            guard present.count == 1 else {
                throw fail("response", present.isEmpty
                    ? "add exactly one of \"body\" (text), \"json\" (a JSON value) or \"events\" (a stream)"
                    : "has \(present.joined(separator: " and ")): keep exactly one of body, json, events")
            }
            let body: ResponsePlan.Body
            if let text = object["body"] {
                guard let string = text.stringValue else { throw fail("response.body", "must be a string (the exact body); use \"json\" for a JSON value") }
                body = .whole(Array(string.utf8))
            } else if let json = object["json"] {
                var writer = JSONWriter()
                writer.value(json)
                body = .whole(Array(writer.text.utf8))
            } else {
                body = .events(try events(object["events"]!))
            }
            return RecordedResponse(status: Int(statusNumber), headers: headers, body: body)
        }

        func events(_ value: JSONValue) throws -> [PlannedEvent] {
            guard let items = value.arrayValue else { throw fail("response.events", "must be a list of {\"at\": ms, \"data\": text}") }
            var result: [PlannedEvent] = []
            var previous = 0.0
            for (index, item) in items.enumerated() {
                let location = "response.events[\(index)]"
                guard let event = item.objectValue else { throw fail(location, "must be an object {\"at\": ms, \"data\": text}") }
                guard let at = event["at"]?.numberValue, at >= 0, at.isFinite else {
                    throw fail("\(location).at", "missing or negative: the event's time in ms from the request")
                }
                guard at >= previous else {
                    throw fail("\(location).at", "\(at) comes before the previous event's \(previous); offsets must not decrease")
                }
                guard let data = event["data"]?.stringValue else {
                    throw fail("\(location).data", "missing: the exact bytes of the event, framing included")
                }
                if let extra = event.keys.sorted().first(where: { $0 != "at" && $0 != "data" }) {
                    throw fail("\(location).\(extra)", "unknown field; an event has only \"at\" and \"data\"")
                }
                previous = at
                result.append(PlannedEvent(atMs: at, text: data))
            }
            return result
        }
    }
}

extension FixtureLoader {
    /// The default fixtures built into the binary (the repository's `fixtures/` at build time).
    public static func loadEmbedded() throws -> [Fixture] {
        var fixtures: [Fixture] = []
        var problems: [FixtureProblem] = []
        for file in EmbeddedFixtures.files {
            guard let data = Data(base64Encoded: file.base64) else { continue }
            switch parse(Array(data), file: "embedded:\(file.path)", defaultName: String(file.path.dropLast(".json".count))) {
            case .success(let fixture): fixtures.append(fixture)
            case .failure(let problem): problems.append(problem)
            }
        }
        if !problems.isEmpty { throw FixtureLoadError(problems: problems) }
        return fixtures
    }
}

extension FixtureLoader {
    /// `./fixtures` when it exists in the current folder.
    public static func defaultDirectory() -> String? {
        var isDirectory: ObjCBool = false
        let path = FileManager.default.currentDirectoryPath + "/fixtures"
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
    }
}
