import Foundation
import MockScope
import MockScopeHTTPTypes
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One exchange as it came back from the upstream, not yet redacted.
public struct RecordedExchange: Sendable {
    public enum Body: Sendable {
        /// A whole body (JSON, an error, anything that is not an event stream).
        case whole([UInt8])
        /// A `text/event-stream` body: each event's exact bytes and its time from the request (ms).
        case events([PlannedEvent])
    }

    /// The request as the client sent it.
    public var request: HTTPRequest
    public var status: Int
    /// The upstream's response headers, as received.
    public var headers: HeaderFields
    public var body: Body
    /// The upstream or the client went away before the end (written only with `--keep-partial`).
    public var partial: Bool
    public var recordedAt: Date

    public init(request: HTTPRequest, status: Int, headers: HeaderFields, body: Body, partial: Bool = false, recordedAt: Date = Date()) {
        self.request = request
        self.status = status
        self.headers = headers
        self.body = body
        self.partial = partial
        self.recordedAt = recordedAt
    }
}

/// Where a recording goes: `<protocol>/<model>/<slug>-<hash>[-<n>].json` below the recording folder.
public struct FixtureLocation: Sendable, Equatable {
    /// The fixture's name (its relative path without `.json`).
    public var name: String
    /// The path below the recording folder.
    public var relativePath: String
}

/// A fixture on disk.
public struct WrittenFixture: Sendable {
    public var location: FixtureLocation
    /// The absolute path of the file.
    public var path: String
    /// What was written (the fixture JSON).
    public var text: String
    /// The fixture as the loader reads it back.
    public var fixture: Fixture
}

/// The recorder could not write a fixture.
public struct RecordingError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Turns exchanges into fixture files (docs/fixture-format.md), redacted, written atomically.
public struct FixtureWriter: Sendable {
    /// The recording folder.
    public let directory: String
    public let secrets: SecretPolicy
    /// The upstream's host, for the metadata.
    public let upstreamHost: String
    /// The hash in a fixture's name, of the request's canonical text (`stableNameHash`; tests
    /// put a constant here to force collisions).
    public let nameHash: @Sendable (String) -> String
    /// Normalizers every chat fixture's request declares (`--record-normalize`).
    public let normalize: [BuiltinNormalizer]

    /// 16 hex digits (64 bits) of FNV-1a: the same request gets the same name in every process,
    /// on every platform. (8 digits, 32 bits, collided within a second of random prompts.)
    public static let stableNameHash: @Sendable (String) -> String = { StableHash($0).hex(16) }

    /// How many names (`-2`, `-3`, ...) a write tries when different requests share a name.
    public static let maximumNameAttempts = 1000

    /// The files this writer has written: the same request again in one recording session is
    /// another answer of the fixture's sequence, not a re-recording (`write`).
    private let session = RecordingSession()

    /// Makes each name choice and its file's rename one step within the process: two writers of
    /// different requests with one name never both decide the name is free.
    private static let naming = Mutex(())

    public init(directory: String, secrets: SecretPolicy = SecretPolicy(), upstreamHost: String,
                nameHash: @escaping @Sendable (String) -> String = FixtureWriter.stableNameHash, normalize: [BuiltinNormalizer] = []) {
        self.normalize = normalize
        self.directory = directory
        self.secrets = secrets
        self.upstreamHost = upstreamHost
        self.nameHash = nameHash
    }

    /// Response headers never written: the server's own business on replay.
    static let droppedResponseHeaders: Set<String> = ["content-length", "transfer-encoding", "content-encoding", "date",
                                                      "connection", "keep-alive"]

    // MARK: what a request looks like in a fixture

    /// The request side of a fixture: what the matcher needs, redacted.
    struct RequestPart {
        var method: String
        var path: String
        var query: [(name: String, value: String)]
        var headers: [(name: String, value: String)]
        var body: JSONValue?
        var ignore: [String]
    }

    func requestPart(_ request: HTTPRequest, scope: SecretScope) -> RequestPart {
        let endpoint = Endpoint(path: request.path)
        // Secret query parameters are left out: a replayed request carries the real value, which a
        // placeholder would never match.
        var query: [(name: String, value: String)] = []
        for item in request.query where !secrets.isSecretQuery(item.name) { query.append((item.name, scope.scrub(item.value))) }
        query.sort { a, b in a.name != b.name ? a.name < b.name : a.value < b.value }
        // The headers that decide the answer: the native stream switches (never credentials).
        var headers: [(name: String, value: String)] = []
        if endpoint.apiProtocol == .native {
            for field in request.headers {
                if field.name.caseInsensitiveEquals("x-dashscope-sse"), field.value.lowercased() == "enable",
                   !headers.contains(where: { $0.name == "X-DashScope-SSE" }) {
                    headers.append(("X-DashScope-SSE", field.value))
                } else if field.name.caseInsensitiveEquals("accept"), field.value.lowercased().contains("text/event-stream"),
                          !headers.contains(where: { $0.name == "Accept" }) {
                    headers.append(("Accept", scope.scrub(field.value)))
                }
            }
        }
        var body: JSONValue?
        var ignore: [String] = []
        if !request.body.isEmpty {
            if let parsed = try? JSONValue.parse(request.body) {
                let redacted = scope.json(parsed)
                body = redacted.value
                // A redacted field cannot match the real value a replayed request carries: ignore it.
                ignore = redacted.redactedPaths
            } else if !endpoint.isGeneration {
                body = .string(scope.text(String(decoding: request.body, as: UTF8.self)))
            }
        }
        return RequestPart(method: request.method, path: request.path, query: query, headers: headers, body: body, ignore: ignore)
    }

    // MARK: naming

    /// `<protocol>/<model>/<slug of the last user text>-<16 hex of a hash of the request>`, with
    /// `-<attempt>` after it from the second attempt on (`write` takes the next one while the name
    /// holds a different request) and `.partial` for an interrupted recording.
    public func location(for request: HTTPRequest, partial: Bool = false, attempt: Int = 1) -> FixtureLocation {
        location(for: requestPart(request, scope: secrets.scope(for: request)), partial: partial, attempt: attempt)
    }

    func location(for part: RequestPart, partial: Bool, attempt: Int = 1) -> FixtureLocation {
        let endpoint = Endpoint(path: part.path)
        let folder = endpoint.module.recordingFolder(for: part.body, endpoint: endpoint)
        var model = folder.name
        if model == nil || model!.isEmpty {
            model = part.path.split(separator: "/").last.map(String.init) ?? "request"
        }
        let slug = Self.slug(endpoint.module.lastUserText(part.body))
        let hash = requestHash(part)
        var name = "\(folder.family)/\(Self.folderName(model!))/\(slug)-\(hash)"
        if attempt > 1 { name += "-\(attempt)" }
        if partial { name += ".partial" }
        return FixtureLocation(name: name, relativePath: name + ".json")
    }

    /// `nameHash` of method, path, query, matching headers and canonical body.
    func requestHash(_ part: RequestPart) -> String {
        var text = "\(part.method)\n\(part.path)\n"
        text += part.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&") + "\n"
        text += part.headers.map { "\($0.name.lowercased()):\($0.value)" }.joined(separator: "\n") + "\n"
        if let body = part.body { text += CanonicalJSON.string(body) }
        return nameHash(text)
    }

    /// The most UTF-8 bytes of a slug (20 CJK characters, 60 ASCII ones).
    public static let maximumSlugBytes = 60

    /// The words of `text`, readable in any script: letters, marks and digits (Unicode), the
    /// text composed (NFC) and lower-cased, joined by `-` where anything else was (spaces,
    /// punctuation, symbols, controls), at most `maximumSlugBytes` bytes cut between characters.
    /// Never a path separator, a dot or a control character; `request` when nothing is left.
    /// `你是谁？` gives `你是谁`, `Hello, World!` gives `hello-world`.
    static func slug(_ text: String?) -> String {
        var result = ""
        var bytes = 0
        var dash = false
        for character in (text ?? "").precomposedStringWithCanonicalMapping.lowercased() {
            guard character.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) }) else {
                dash = true
                continue
            }
            let separator = dash && !result.isEmpty
            let size = character.utf8.count + (separator ? 1 : 0)
            guard bytes + size <= maximumSlugBytes else { break }
            if separator { result += "-" }
            result.append(character)
            bytes += size
            dash = false
        }
        return result.isEmpty ? "request" : result
    }

    /// A model or app id as a folder name: ASCII letters, digits, `.`, `_`, `-`; never hidden.
    static func folderName(_ text: String) -> String {
        var result = String(text.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "." || scalar == "_" || scalar == "-")
                ? Character(scalar) : "-"
        }.prefix(64))
        while result.hasPrefix(".") { result.removeFirst() }
        return result.isEmpty ? "unknown" : result
    }

    // MARK: the document

    /// The fixture JSON for an exchange, redacted; `name` replaces the name its location gives.
    public func document(for exchange: RecordedExchange, version: String = Recorder.mockscopeVersion,
                         attempt: Int = 1, name: String? = nil) -> (FixtureLocation, String) {
        let scope = secrets.scope(for: exchange.request)
        let part = requestPart(exchange.request, scope: scope)
        let location = location(for: part, partial: exchange.partial, attempt: attempt)

        func string(_ value: String) -> String {
            var writer = JSONWriter()
            writer.string(value)
            return writer.text
        }
        func value(_ value: JSONValue) -> String {
            var writer = JSONWriter()
            writer.value(value)
            return writer.text
        }
        func object(_ pairs: [(String, String)]) -> String {
            "{" + pairs.map { "\(string($0.0)):\(string($0.1))" }.joined(separator: ",") + "}"
        }

        var metadata: [(String, String)] = [
            ("source", string("recorded by mockscope from \(upstreamHost)")),
            ("timing", string("recorded")),
            ("recordedAt", string(exchange.recordedAt.formatted(.iso8601))),
            ("upstream", string(upstreamHost)),
            ("mockscopeVersion", string(version)),
        ]
        if exchange.partial { metadata.append(("partial", "true")) }

        var lines: [String] = []
        lines.append("{")
        lines.append("  \"mockscope\": 1,")
        lines.append("  \"name\": \(string(name ?? location.name)),")
        lines.append("  \"description\": \(string("Recorded from \(upstreamHost): \(part.method) \(part.path) -> \(exchange.status)\(exchange.partial ? " (partial)" : "")")),")
        lines.append("  \"metadata\": {" + metadata.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "},")

        var request: [String] = ["    \"method\": \(string(part.method))", "    \"path\": \(string(part.path))"]
        if !part.query.isEmpty { request.append("    \"query\": \(object(part.query))") }
        if !part.headers.isEmpty { request.append("    \"headers\": \(object(part.headers))") }
        if let body = part.body { request.append("    \"body\": \(value(body))") }
        if !part.ignore.isEmpty { request.append("    \"ignore\": [" + part.ignore.map(string).joined(separator: ", ") + "]") }
        if !normalize.isEmpty, Endpoint(path: part.path).isGeneration {
            request.append("    \"normalize\": [" + normalize.map { string($0.rawValue) }.joined(separator: ", ") + "]")
        }
        lines.append("  \"request\": {")
        lines.append(request.joined(separator: ",\n"))
        lines.append("  },")

        var headers: [(name: String, value: String)] = []
        for field in exchange.headers where !Self.droppedResponseHeaders.contains(field.name.lowercased()) {
            let redacted = scope.headerValue(name: field.name, value: field.value)
            if let index = headers.firstIndex(where: { $0.name.caseInsensitiveEquals(field.name) }) {
                headers[index].value += ", " + redacted
            } else {
                headers.append((field.name, redacted))
            }
        }
        lines.append("  \"response\": {")
        lines.append("    \"status\": \(exchange.status),")
        lines.append("    \"headers\": {" + headers.map { "\(string($0.name)): \(string($0.value))" }.joined(separator: ", ") + "},")
        switch exchange.body {
        case .whole(let bytes):
            lines.append("    \"body\": \(string(scope.text(String(decoding: bytes, as: UTF8.self))))")
        case .events(let events):
            lines.append("    \"events\": [")
            // Redacted as one text: a key split over events is caught too (SecretScope.events).
            let redacted = scope.events(events.map(\.bytes))
            let items = zip(events, redacted).map { event, data -> String in
                let at = (event.atMs * 10).rounded() / 10
                var writer = JSONWriter()
                writer.number(max(0, at))
                return "      {\"at\": \(writer.text), \"data\": \(string(data))}"
            }
            if !items.isEmpty { lines.append(items.joined(separator: ",\n")) }
            lines.append("    ]")
        }
        lines.append("  }")
        lines.append("}")
        return (location, lines.joined(separator: "\n") + "\n")
    }

    /// Writes the exchange's fixture atomically (temporary file, fsync, rename, fsync the folder)
    /// and reads it back as the loader would.
    ///
    /// Never over a different exchange: when the file of the name exists and its `request` is not
    /// this one's (another request with the same slug and hash, or a file that does not parse),
    /// the next name is tried (`-2`, `-3`, ...). The same request from an earlier session is
    /// replaced (a re-recording); the same request again in this writer's session adds its answer
    /// to the fixture's answer sequence (`responses`, `after_last: repeat`), each answer redacted
    /// and with its own timing: a polling session or a retried request replays as it happened.
    public func write(_ exchange: RecordedExchange) throws -> WrittenFixture {
        // A chat-like fixture without a body pattern would answer every request on its route.
        let endpoint = Endpoint(path: exchange.request.path)
        if endpoint.isGeneration, (try? JSONValue.parse(exchange.request.body))?.objectValue == nil {
            throw RecordingError("a \(endpoint.module.name) request without a JSON object body would match every request on its route; nothing written")
        }
        return try Self.naming.withLock { _ throws(RecordingError) -> WrittenFixture in
            var mine: JSONValue?
            for attempt in 1...Self.maximumNameAttempts {
                var (location, text) = document(for: exchange, attempt: attempt)
                let path = (directory as NSString).appendingPathComponent(location.relativePath)
                var parts: SequenceParts?, earlierFixture: Fixture?
                if let existing = FileManager.default.contents(atPath: path) {
                    if mine == nil { mine = (try? JSONValue.parse(Array(text.utf8)))?["request"] }
                    if !exchange.partial, let kept = session.sequence(at: path), kept.describes(existing), kept.request == mine,
                       let next = Self.sequenceParts(text, afterLines: kept.lines, afterLast: kept.afterLast) {
                        // This session's own sequence, unchanged on disk: appended without reading it again.
                        parts = next
                        earlierFixture = kept.fixture
                    } else {
                        let theirs = (try? JSONValue.parse(Array(existing)))
                        if theirs?["request"] == nil || theirs?["request"] != mine { continue }
                        if !exchange.partial, session.hasWritten(path), let earlier = theirs {
                            parts = Self.sequenceParts(text, after: earlier)
                        }
                    }
                }
                // Loaded as the loader reads it. A kept sequence's earlier answers are taken as loaded
                // before: only the new answer's document is read.
                let single = text
                if let parts { text = parts.text }
                let loaded = earlierFixture == nil ? text : single
                let fixture: Fixture
                switch FixtureLoader.parse(Array(loaded.utf8), file: path, defaultName: location.name) {
                case .success(let parsed): fixture = earlierFixture.map { parsed.following($0) } ?? parsed
                case .failure(let problem):
                    throw RecordingError("the recorded fixture would not load (\(problem.location): \(problem.message)); nothing written")
                }
                let bytes = Array(text.utf8)
                try AtomicFile.write(bytes, to: path)
                session.wrote(path, sequence: parts.map { KeptSequence(bytes: bytes, request: mine, lines: $0.lines, afterLast: $0.afterLast, fixture: fixture) })
                return WrittenFixture(location: location, path: path, text: text, fixture: fixture)
            }
            throw RecordingError("\(Self.maximumNameAttempts) names of \(location(for: exchange.request).name) hold other requests; nothing written")
        }
    }
}


/// Writes a file so that a reader sees the old content or the new one, never a mix: a temporary
/// `.<name>.<random>.tmp` in the same folder (which the fixture loader skips), fsync, rename over
/// the final name, fsync the folder. Concurrent writers of one name each use their own temporary
/// file; the last rename wins.
public enum AtomicFile {
    /// Removes the temporaries a killed writer left below `root` (`.<name>.<hex>.tmp`, last changed
    /// more than `olderThan` seconds ago: a live writer renames its own within milliseconds).
    /// Returns the paths removed. The loader skips these files anyway; this keeps folders clean.
    @discardableResult
    public static func sweepStaleTemporaries(below root: String, olderThan seconds: TimeInterval = 60) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        let cutoff = Date().addingTimeInterval(-seconds)
        var removed: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard isTemporaryName(name) else { continue }
            let path = (root as NSString).appendingPathComponent(relative)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let changed = attributes[.modificationDate] as? Date, changed < cutoff,
                  unlink(path) == 0 else { continue }
            removed.append(path)
        }
        return removed
    }

    /// Whether `name` is one of `write`'s temporaries: `.<name>.<hex>.tmp`.
    static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
        let parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let random = parts.last, !random.isEmpty, random.count <= 16 else { return false }
        return random.allSatisfy(\.isHexDigit) && !parts.dropLast().joined(separator: ".").isEmpty
    }

    /// The temporaries this process's writes have open now (removed by `removeOwnTemporaries`).
    private static let openTemporaries = Mutex<Set<String>>([])

    /// Removes the temporaries below `root` of this process's writes still under way (at
    /// shutdown, after the writes were waited for: normally none). Returns the paths removed.
    @discardableResult
    public static func removeOwnTemporaries(below root: String) -> [String] {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let paths = openTemporaries.withLock { set -> [String] in
            let mine = set.filter { $0.hasPrefix(prefix) }
            set.subtract(mine)
            return Array(mine)
        }
        return paths.filter { unlink($0) == 0 }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(RecordingError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RecordingError("cannot create the folder \(folder): \(error.localizedDescription)")
        }
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = (folder as NSString).appendingPathComponent(".\(name).\(random).tmp")
        Self.openTemporaries.withLock { _ = $0.insert(temporary) }
        defer { Self.openTemporaries.withLock { _ = $0.remove(temporary) } }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RecordingError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var failure: String?
        var written = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                #else
                let n = Darwin.write(fd, raw.baseAddress! + written, raw.count - written)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = "write failed: \(String(cString: strerror(errno)))"
                    return
                }
                written += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = "fsync failed: \(String(cString: strerror(errno)))" }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = "rename to \(path) failed: \(String(cString: strerror(errno)))" }
        if let failure {
            unlink(temporary)
            throw RecordingError("\(temporary): \(failure)")
        }
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }
}
