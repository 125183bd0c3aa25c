import MockScope

/// What a JSON answer looks like without its values: every path (`choices[].delta.content`) with
/// the types seen there. The shapes of several values (a stream's events) add up into one.
public struct JSONShape: Sendable, Equatable {
    /// Path → the types seen at it (`object`, `array`, `string`, `number`, `bool`, `null`).
    public private(set) var types: [String: Set<String>] = [:]

    public init() {}

    public init(_ value: JSONValue) { add(value) }

    /// Adds `value`'s paths, below `path`.
    public mutating func add(_ value: JSONValue, at path: String = "$") {
        types[path, default: []].insert(Self.typeName(value))
        switch value {
        case .object(let fields):
            for (name, field) in fields { add(field, at: path + "." + name) }
        case .array(let items):
            for item in items { add(item, at: path + "[]") }
        default:
            break
        }
    }

    /// Whether `path` is a path inside `outer` (`$.a.b` and `$.a[]` are inside `$.a`).
    static func isBelow(_ path: String, _ outer: String) -> Bool {
        guard path.count > outer.count, path.hasPrefix(outer) else { return false }
        let next = path[path.index(path.startIndex, offsetBy: outer.count)]
        return next == "." || next == "["
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// How `live` differs from `self` (the recording): paths only one has, and paths whose
    /// non-null types differ (a field null in one place and a string in another is no change).
    public func differences(to live: JSONShape) -> [ShapeChange] {
        var changes: [ShapeChange] = []
        for path in live.types.keys.sorted() where types[path] == nil {
            changes.append(.added(path: path, types: live.types[path]!.sorted()))
        }
        for path in types.keys.sorted() {
            guard let liveTypes = live.types[path] else {
                changes.append(.removed(path: path, types: types[path]!.sorted()))
                continue
            }
            let before = types[path]!.subtracting(["null"]), after = liveTypes.subtracting(["null"])
            if !before.isEmpty, !after.isEmpty, before != after {
                changes.append(.typeChanged(path: path, from: before.sorted(), to: after.sorted()))
            }
        }
        // A path below one that was added or removed says nothing more: only the outermost is kept.
        return changes.filter { change in
            change.kind == .typeChanged || !changes.contains { $0.kind == change.kind && Self.isBelow(change.path, $0.path) }
        }
    }
}

/// One difference between a recorded answer's shape and the live one's.
public enum ShapeChange: Sendable, Equatable {
    case added(path: String, types: [String])
    case removed(path: String, types: [String])
    case typeChanged(path: String, from: [String], to: [String])

    public enum Kind: String, Sendable { case added, removed, typeChanged = "type_changed" }

    public var kind: Kind {
        switch self {
        case .added: .added
        case .removed: .removed
        case .typeChanged: .typeChanged
        }
    }

    public var path: String {
        switch self {
        case .added(let path, _), .removed(let path, _), .typeChanged(let path, _, _): path
        }
    }

    public var description: String {
        switch self {
        case .added(let path, let types): "field added: \(path) (\(types.joined(separator: "|")))"
        case .removed(let path, let types): "field removed: \(path) (\(types.joined(separator: "|")))"
        case .typeChanged(let path, let from, let to):
            "type changed: \(path): \(from.joined(separator: "|")) -> \(to.joined(separator: "|"))"
        }
    }
}
