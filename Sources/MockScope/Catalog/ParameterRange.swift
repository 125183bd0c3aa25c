/// The documented range of a sampling parameter, and the message the real service gives for a
/// value outside it (docs/protocol-notes.md, errors §5).
public struct ParameterRange: Sendable, Equatable {
    public var min: Double
    public var max: Double
    /// `[min, max)` rather than `[min, max]` (temperature).
    public var maxExcluded = false
    /// `(min, max]` rather than `[min, max]` (top_p).
    public var minExcluded = false
    /// Whether only whole numbers are accepted.
    public var integer = false

    public func contains(_ value: Double) -> Bool {
        (minExcluded ? value > min : value >= min) && (maxExcluded ? value < max : value <= max)
    }

    /// The ranges of the real service (docs/protocol-notes.md, errors §5); a catalog row may
    /// narrow one (`parameters:`).
    public static func defaults(for surface: APIProtocol) -> [String: ParameterRange] {
        var ranges: [String: ParameterRange] = [
            "temperature": ParameterRange(min: 0, max: 2, maxExcluded: true),
            "top_p": ParameterRange(min: 0, max: 1, minExcluded: true),
            "top_k": ParameterRange(min: 0, max: Double(Int32.max), integer: true),
            "presence_penalty": ParameterRange(min: -2, max: 2),
            "n": ParameterRange(min: 1, max: 4, integer: true),
        ]
        switch surface {
        case .native:
            ranges["seed"] = ParameterRange(min: 0, max: Double(Int64.max), integer: true)
        case .anthropic:
            break
        case .compatible:
            ranges["seed"] = ParameterRange(min: 0, max: 2_147_483_647, integer: true)
            ranges["top_logprobs"] = ParameterRange(min: 0, max: 5, integer: true)
        }
        return ranges
    }

    /// The real service's words for a value of `parameter` outside this range (errors §5).
    func refusal(_ parameter: String, value: Double, surface: APIProtocol) -> String {
        switch parameter {
        case "temperature": return "Temperature should be in \(interval)"
        case "top_p": return "Range of top_p should be \(interval)"
        case "top_k": return "Parameter top_k be greater than or equal to \(Self.format(min, integer: true))"
        case "presence_penalty": return "Presence_penalty should be in \(interval)"
        case "seed" where surface == .compatible:
            // jsonschema's wording, as the page quotes it for the low side; the high side by analogy [chosen].
            let shown = Self.format(value, integer: true)
            return value < min ? "\(shown) is lesser than the minimum of \(Self.format(min, integer: true)) - 'seed'"
                               : "\(shown) is greater than the maximum of \(Self.format(max, integer: true)) - 'seed'"
        default: return "Range of \(parameter) should be \(interval)"
        }
    }

    /// `[0.0, 2.0)`, `(0.0, 1.0]`, `[1, 4]`.
    var interval: String {
        (minExcluded ? "(" : "[") + Self.format(min, integer: integer) + ", " + Self.format(max, integer: integer) + (maxExcluded ? ")" : "]")
    }

    static func format(_ value: Double, integer: Bool) -> String {
        if integer {
            if value >= 9.2e18 { return "9223372036854775807" }
            if value <= -9.2e18 { return "-9223372036854775808" }
            return String(Int64(value.rounded(.towardZero)))
        }
        let text = String(value)
        return text.contains(".") ? text : text + ".0"
    }
}
