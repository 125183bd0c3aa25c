/// Prints faults back in the header syntax (`kind name=value ...`), quoting values that need it,
/// so that `FaultRegistry.parse(fault.description)` gives the same fault again.
enum FaultText {
    /// `kind a=1 b="x y"`, skipping parameters whose value is nil.
    static func describe(_ kind: String, _ parameters: [(String, String?)]) -> String {
        var text = kind
        for (name, value) in parameters {
            guard let value else { continue }
            text += " \(name)=\(quoted(value))"
        }
        return text
    }

    /// The value as the parser reads it back: quoted (with `\"` and `\\`) when it is empty or holds
    /// a space, a tab, `;`, `"` or `\`.
    static func quoted(_ value: String) -> String {
        let special: Set<Character> = [" ", "\t", ";", "\"", "\\"]
        guard value.isEmpty || value.contains(where: { special.contains($0) }) else { return value }
        var text = "\""
        for character in value {
            if character == "\"" || character == "\\" { text.append("\\") }
            text.append(character)
        }
        return text + "\""
    }

    static func number(_ value: Double?) -> String? { value.map(FaultParameters.show) }
    static func number(_ value: Int?) -> String? { value.map(String.init) }
    static func number(_ value: UInt64?) -> String? { value.map { String($0) } }
}

extension FaultParameters {
    /// A generator seed: a whole number from 0 to 2^64-1.
    func seed(_ name: String = "seed") throws(FaultSpecError) -> UInt64? {
        guard let text = values[name] else { return nil }
        guard let value = UInt64(text) else {
            throw .invalidValue(kind: kind, name: name, value: text, expected: "a whole number from 0 to \(UInt64.max)")
        }
        return value
    }

    /// The longest wait a fault takes, in ms (a day): enough for any test, far from overflowing nanoseconds.
    static let maxMilliseconds = 86_400_000.0

    /// A duration in ms, from 0 to a day.
    func milliseconds(_ name: String) throws(FaultSpecError) -> Double? {
        guard let text = values[name] else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0, value <= Self.maxMilliseconds else {
            throw .invalidValue(kind: kind, name: name, value: text,
                                expected: "a number of ms from 0 to \(FaultParameters.show(Self.maxMilliseconds)) (a day)")
        }
        return value
    }

    /// A number strictly greater than zero.
    func positiveDouble(_ name: String) throws(FaultSpecError) -> Double? {
        guard let text = values[name] else { return nil }
        guard let value = Double(text), value.isFinite, value > 0 else {
            throw .invalidValue(kind: kind, name: name, value: text, expected: "a number > 0")
        }
        return value
    }

    /// `min=A max=B` as a pair (both or neither), with A <= B.
    func range(min minName: String = "min", max maxName: String = "max") throws(FaultSpecError) -> (Double, Double)? {
        let low = try milliseconds(minName)
        let high = try milliseconds(maxName)
        switch (low, high) {
        case (nil, nil):
            return nil
        case (.some, nil):
            throw .missingParameter(kind: kind, expected: "\(maxName)=B with \(minName)=A (a uniform range from A to B ms)")
        case (nil, .some):
            throw .missingParameter(kind: kind, expected: "\(minName)=A with \(maxName)=B (a uniform range from A to B ms)")
        case let (.some(low), .some(high)):
            guard low <= high else {
                throw .invalidValue(kind: kind, name: maxName, value: values[maxName] ?? "",
                                    expected: "a number >= \(minName) (\(FaultParameters.show(low)))")
            }
            return (low, high)
        }
    }

    /// Throws when `name` is given together with any of `others`.
    func exclusive(_ name: String, with others: [String], hint: String) throws(FaultSpecError) {
        guard let value = values[name], let other = others.first(where: { values[$0] != nil }) else { return }
        throw .invalidValue(kind: kind, name: name, value: value, expected: "left out when \(other) is given (\(hint))")
    }
}
