import Foundation
import MockScopeHTTPTypes

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

/// The bounds the fixture loader holds every number to (docs/fixture-format.md, "Limits").
public enum FixtureLimits {
    /// `response.status`: final statuses only, and not 304 (checked apart).
    public static let statuses: ClosedRange<Double> = 200...599
    /// `response.events[].at`: a day, in ms.
    public static let maxEventMs: Double = 86_400_000
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
        // Files are read and parsed on every core (each result lands in its own slot), then kept
        // in name order: start-up with thousands of fixtures is bound by this loop.
        let results = jsonFiles(below: directory).parallelMap { relative -> Result<Fixture, FixtureProblem> in
            let path = (directory as NSString).appendingPathComponent(relative)
            guard let bytes = readFile(path) else {
                return .failure(FixtureProblem(file: path, location: "-", message: "cannot be read; check its permissions"))
            }
            return parse(bytes, file: path, defaultName: String(relative.dropLast(".json".count)))
        }
        var fixtures: [Fixture] = []
        var problems: [FixtureProblem] = []
        for result in results {
            switch result {
            case .success(let fixture): fixtures.append(fixture)
            case .failure(let problem): problems.append(problem)
            }
        }
        return (fixtures, problems)
    }

    /// A whole file's bytes (POSIX reads: FileManager costs more than the parse for small files).
    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(4096, Int(info.st_size) + 1))
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 { if errno == EINTR { continue }; return nil }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// The `.json` files below `directory`, relative paths, sorted. Names starting with `.` (and
    /// what is below them) are skipped; symbolic links are followed, to a depth of 32 folders.
    static func jsonFiles(below directory: String) -> [String] {
        var result: [String] = []
        func walk(_ folder: String, _ relative: String, depth: Int) {
            guard depth < 32, let handle = opendir(folder) else { return }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name.hasPrefix(".") { continue }
                let path = folder + "/" + name
                let child = relative.isEmpty ? name : relative + "/" + name
                var kind = entry.pointee.d_type
                if kind == UInt8(DT_LNK) || kind == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    guard stat(path, &info) == 0 else { continue }
                    kind = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (info.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0
                }
                if kind == UInt8(DT_DIR) {
                    walk(path, child, depth: depth + 1)
                } else if kind == UInt8(DT_REG), name.hasSuffix(".json") {
                    result.append(child)
                }
            }
        }
        walk(directory, "", depth: 0)
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
            return .failure(FixtureProblem(file: file, location: syntaxLocation(of: error),
                                           message: "not valid JSON: \(error.message); fix the syntax (a fixture is one JSON object, see docs/fixture-format.md)"))
        }
        do {
            return .success(try Reader(file: file).fixture(root, defaultName: defaultName))
        } catch let problem as FixtureProblem {
            return .failure(problem)
        } catch {
            return .failure(FixtureProblem(file: file, location: "-", message: "\(error)"))
        }
    }

    /// Where a JSON syntax error is, as "line L, column C" (1-based; the column counts characters).
    static func syntaxLocation(of error: JSONParseError) -> String {
        "line \(error.line), column \(error.column)"
    }

    /// Walks a parsed document, reporting the first problem with its JSON location.
    struct Reader {
        let file: String

        func fail(_ location: String, _ message: String) -> FixtureProblem {
            FixtureProblem(file: file, location: location, message: message)
        }

        func fixture(_ root: JSONValue, defaultName: String) throws -> Fixture {
            guard let object = root.objectValue else { throw fail("$", "the document must be a JSON object") }
            let known: Set = ["$schema", "mockscope", "name", "description", "metadata", "request", "response", "responses", "after_last"]
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
            let pattern = try requestPattern(request)
            switch (object["response"], object["responses"]) {
            case (let response?, nil):
                if object["after_last"] != nil { throw fail("after_last", "only an answer sequence (\"responses\") has after_last") }
                return Fixture(name: name, origin: file, description: description, metadata: object["metadata"],
                               request: pattern, response: try recordedResponse(response))
            case (nil, let list?):
                guard let items = list.arrayValue, !items.isEmpty else {
                    throw fail("responses", "must be a non-empty list of responses, served in order")
                }
                let responses = try items.enumerated().map { try recordedResponse($1, at: "responses[\($0)]") }
                var afterLast = AfterLast.repeat
                if let value = object["after_last"] {
                    guard let text = value.stringValue, let known = AfterLast(rawValue: text) else {
                        throw fail("after_last", "must be one of \(AfterLast.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
                    }
                    afterLast = known
                }
                return Fixture(name: name, origin: file, description: description, metadata: object["metadata"],
                               request: pattern, responses: responses, afterLast: afterLast)
            case (nil, nil):
                throw fail("response", "missing: add the response to replay (or \"responses\", a list served in order)")
            case (_?, _?):
                throw fail("responses", "has both response and responses: keep one")
            }
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
            let known: Set = ["method", "path", "query", "headers", "body", "match", "ignore", "normalize", "messages"]
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
            var normalize: [Normalizer] = []
            var messages: MessageWindow?
            do {
                if let value = object["normalize"] { normalize = try Normalizer.parseList(value, at: "request.normalize") }
                if let value = object["messages"] { messages = try MessageWindow.parse(value, at: "request.messages") }
            } catch {
                throw fail(error.location, error.message)
            }
            return RequestPattern(method: method, path: path, query: query, headers: headers, body: object["body"],
                                  match: match, ignore: ignore, normalize: normalize, messages: messages)
        }

        func recordedResponse(_ value: JSONValue, at: String = "response") throws -> RecordedResponse {
            guard let object = value.objectValue else { throw fail(at, "must be an object") }
            let known: Set = ["status", "headers", "body", "json", "events"]
            if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail("\(at).\(extra)", "unknown field; allowed: \(known.sorted().joined(separator: ", "))")
            }
            guard let statusNumber = object["status"]?.numberValue, statusNumber == statusNumber.rounded(),
                  FixtureLimits.statuses.contains(statusNumber), statusNumber != 304 else {
                let found = object["status"].map { String(String(describing: $0).prefix(40)) } ?? "nothing"
                throw fail("\(at).status", "must be a final HTTP status from 200 to 599 other than 304 (1xx and 304 answers have "
                           + "no body and would break the next answer on the connection), not \(found)")
            }
            let headers = HeaderFields(try stringMap(object["headers"], "\(at).headers"))
            let present = ["body", "json", "events"].filter { object[$0] != nil }
            guard present.count == 1 else {
                throw fail(at, present.isEmpty
                    ? "add exactly one of \"body\" (text), \"json\" (a JSON value) or \"events\" (a stream)"
                    : "has \(present.joined(separator: " and ")): keep exactly one of body, json, events")
            }
            let body: PlannedBody
            if let text = object["body"] {
                guard let string = text.stringValue else { throw fail("\(at).body", "must be a string (the exact body); use \"json\" for a JSON value") }
                body = .whole(Array(string.utf8))
            } else if let json = object["json"] {
                var writer = JSONWriter()
                writer.value(json)
                body = .whole(Array(writer.text.utf8))
            } else {
                body = .events(try events(object["events"]!, at: "\(at).events"))
            }
            return RecordedResponse(status: Int(statusNumber), headers: headers, body: body)
        }

        func events(_ value: JSONValue, at: String) throws -> [PlannedEvent] {
            guard let items = value.arrayValue else { throw fail(at, "must be a list of {\"at\": ms, \"data\": text}") }
            var result: [PlannedEvent] = []
            var previous = 0.0
            for (index, item) in items.enumerated() {
                let location = "\(at)[\(index)]"
                guard let event = item.objectValue else { throw fail(location, "must be an object {\"at\": ms, \"data\": text}") }
                guard let at = event["at"]?.numberValue, at >= 0, at.isFinite, at <= FixtureLimits.maxEventMs else {
                    throw fail("\(location).at", "missing, negative or over \(Int(FixtureLimits.maxEventMs)) (a day): "
                               + "the event's time in ms from the request")
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
