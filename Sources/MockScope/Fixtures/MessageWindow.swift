/// Which messages of a multi-turn conversation a fixture compares: the last `last` of them (the
/// system messages too, when `keepSystem`), so one fixture answers every session that ends the
/// same way. Applied to `messages` (compatible mode, the Anthropic API) and `input.messages`
/// (native).
public struct MessageWindow: Sendable, Hashable, CustomStringConvertible {
    public var last: Int
    public var keepSystem: Bool

    public init(last: Int, keepSystem: Bool = false) {
        self.last = last
        self.keepSystem = keepSystem
    }

    public var description: String { "last \(last) message(s)\(keepSystem ? " and the system messages" : "")" }

    /// Reads a fixture's `messages` field: `"last_turn"` (the last message), or
    /// `{"last": N, "keep_system": true|false}`.
    static func parse(_ value: JSONValue, at location: String) throws(FixtureFieldError) -> MessageWindow {
        if value.stringValue == "last_turn" { return MessageWindow(last: 1) }
        guard let object = value.objectValue else {
            throw FixtureFieldError(location, "must be \"last_turn\" or {\"last\": N, \"keep_system\": true|false}")
        }
        if let extra = object.keys.sorted().first(where: { $0 != "last" && $0 != "keep_system" }) {
            throw FixtureFieldError("\(location).\(extra)", "unknown field; allowed: keep_system, last")
        }
        guard let last = object["last"]?.numberValue, last >= 1, last <= 10_000, last.rounded() == last else {
            throw FixtureFieldError("\(location).last", "must be a whole number of messages from 1 to 10000")
        }
        var keepSystem = false
        if let keep = object["keep_system"] {
            guard let flag = keep.boolValue else { throw FixtureFieldError("\(location).keep_system", "must be true or false") }
            keepSystem = flag
        }
        return MessageWindow(last: Int(last), keepSystem: keepSystem)
    }

    /// `body` with its message list cut to the window.
    func apply(to body: JSONValue) -> JSONValue {
        guard case .object(var fields) = body else { return body }
        if let messages = fields["messages"]?.arrayValue {
            fields["messages"] = .array(window(messages))
        } else if case .object(var input)? = fields["input"], let messages = input["messages"]?.arrayValue {
            input["messages"] = .array(window(messages))
            fields["input"] = .object(input)
        }
        return .object(fields)
    }

    private func window(_ messages: [JSONValue]) -> [JSONValue] {
        guard messages.count > last else { return messages }
        let cut = messages.count - last
        // (Filtered, not compact-mapped: `nil` would be read as JSON null.)
        return messages.enumerated().filter { index, message in
            index >= cut || (keepSystem && message["role"]?.stringValue == "system")
        }.map(\.element)
    }
}
