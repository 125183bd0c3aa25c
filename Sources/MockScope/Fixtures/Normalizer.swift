/// A rewrite applied to every string of both a fixture's request and a live one before they are
/// compared, so a prompt that carries a timestamp, a UUID or a temp path matches again
/// (docs/fixture-format.md, "Normalizers"). Built-in ones, or a user's regular expression.
public enum Normalizer: Sendable, Hashable, CustomStringConvertible {
    case builtin(BuiltinNormalizer)
    /// Every match of `pattern` (Swift `Regex` syntax) becomes `replacement`.
    case regex(pattern: String, replacement: String)

    public var description: String {
        switch self {
        case .builtin(let builtin): builtin.rawValue
        case .regex(let pattern, _): "regex \(pattern)"
        }
    }

    var pattern: String {
        switch self {
        case .builtin(let builtin): builtin.pattern
        case .regex(let pattern, _): pattern
        }
    }

    var replacement: String {
        switch self {
        case .builtin(let builtin): builtin.placeholder
        case .regex(_, let replacement): replacement
        }
    }

    /// Reads a fixture's `normalize` list: names of built-ins, or `{"pattern": ..., "replace": ...}`.
    /// Throws a message saying what to fix, located by `at` (`request.normalize[2]`).
    static func parseList(_ value: JSONValue, at location: String) throws(FixtureFieldError) -> [Normalizer] {
        guard let items = value.arrayValue else {
            throw FixtureFieldError(location, "must be a list of normalizer names (\(BuiltinNormalizer.names)) or {\"pattern\", \"replace\"} objects")
        }
        var result: [Normalizer] = []
        for (index, item) in items.enumerated() {
            let here = "\(location)[\(index)]"
            if let name = item.stringValue {
                guard let builtin = BuiltinNormalizer(rawValue: name) else {
                    throw FixtureFieldError(here, "unknown normalizer \"\(name)\"; use one of \(BuiltinNormalizer.names), or {\"pattern\": \"regex\", \"replace\": \"<X>\"}")
                }
                result.append(.builtin(builtin))
            } else if let object = item.objectValue {
                if let extra = object.keys.sorted().first(where: { $0 != "pattern" && $0 != "replace" }) {
                    throw FixtureFieldError("\(here).\(extra)", "unknown field; a regex normalizer has \"pattern\" and \"replace\"")
                }
                guard let pattern = object["pattern"]?.stringValue, !pattern.isEmpty else {
                    throw FixtureFieldError("\(here).pattern", "must be a non-empty regular expression")
                }
                do { _ = try Regex(pattern) } catch {
                    throw FixtureFieldError("\(here).pattern", "is not a valid regular expression (\(error))")
                }
                result.append(.regex(pattern: pattern, replacement: object["replace"]?.stringValue ?? "<REDACTED>"))
            } else {
                throw FixtureFieldError(here, "must be a normalizer name or a {\"pattern\", \"replace\"} object")
            }
        }
        return result
    }
}

/// The normalizers MockScope has built in: the volatile parts prompts carry most often.
public enum BuiltinNormalizer: String, Sendable, CaseIterable {
    /// ISO 8601 dates and times (`2026-12-01`, `2026-12-01T10:15:00.123Z`), RFC 2822-style dates
    /// (`Tue, 01 Dec 2026 10:15:00 GMT`), `12/01/2026`, and clock times (`10:15`, `10:15:00`).
    case datetime
    /// UUIDs of any version (`123e4567-e89b-12d3-a456-426614174000`).
    case uuid
    /// Hexadecimal ids of 16 digits or more (request ids, hashes, trace ids).
    case hexID = "hex_id"
    /// Unix timestamps in seconds or milliseconds (10 or 13 digits: 2001 to 2065).
    case unixTimestamp = "unix_timestamp"
    /// Absolute paths under temporary folders: `/tmp/...`, `/var/folders/...`, `/private/var/...`,
    /// `C:\Users\...\AppData\Local\Temp\...`, up to a space or quote.
    case tempPath = "temp_path"

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    var placeholder: String {
        switch self {
        case .datetime: "<DATETIME>"
        case .uuid: "<UUID>"
        case .hexID: "<HEX>"
        case .unixTimestamp: "<UNIX_TS>"
        case .tempPath: "<TMP>"
        }
    }

    var pattern: String {
        switch self {
        case .datetime:
            #"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"#
                + #"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2}(?: (?:GMT|UTC|[+-]\d{4}))?"#
                + #"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b"#
        case .uuid:
            #"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"#
        case .hexID:
            #"\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{16,}\b"#
        case .unixTimestamp:
            #"\b[12]\d{9}(?:\d{3})?\b"#
        case .tempPath:
            #"(?:/private)?/(?:tmp|var/tmp|var/folders)/[^\s"'<>]*|[A-Za-z]:\\Users\\[^\\\s"']+\\AppData\\Local\\Temp\\[^\s"'<>]*"#
        }
    }
}

/// A fixture field that cannot be used: where it is and what to do.
struct FixtureFieldError: Error {
    var location: String
    var message: String
    init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }
}
