/// Values for JSON Schema string `format`s that pass Python jsonschema's FormatChecker, drawn from
/// the user's text when it has one (a date, an e-mail address, a URL).
enum StringFormats {
    static let defaultDate = "2025-03-14"

    /// A value for `format`, or nil for a format this does not know (the string is then built as if
    /// it had none). `variant` makes distinct values for `uniqueItems`.
    static func sample(_ format: String, hints: UserTextHints, seed: StableHash, variant: Int) -> String? {
        switch format.lowercased() {
        case "date":
            return date(hints: hints, variant: variant)
        case "date-time", "datetime":
            return date(hints: hints, variant: variant) + "T09:30:00Z"
        case "time":
            return "09:\(30 + variant % 30):00Z"
        case "email", "idn-email":
            if variant == 0, let email = hints.email { return email }
            return (variant == 0 ? "alex.chen" : "alex.chen\(variant + 1)") + "@example.com"
        case "uri", "url", "iri", "uri-reference", "iri-reference", "multi-host-uri":
            if variant == 0, let url = hints.url { return url }
            return "https://example.com/" + (variant == 0 ? "mockscope" : "mockscope-\(variant + 1)")
        case "uri-template":
            return "https://example.com/items/{id}"
        case "hostname", "idn-hostname":
            return variant == 0 ? "example.com" : "host\(variant + 1).example.com"
        case "ipv4network", "ipvanynetwork", "ipv4interface", "ipvanyinterface":
            return "192.0.2.0/24"
        case "ipv4", "ipvanyaddress":
            return "192.0.2.\(10 + variant % 240)"
        case "ipv6":
            return "2001:db8::\(variant + 1)"
        case "uuid":
            return uuid(seed.derived("uuid-\(variant)"))
        case "duration":
            return "P\(variant + 1)D"
        case "regex":
            return "^[a-z]+$"
        case "json-pointer":
            return "/items/\(variant)"
        case "relative-json-pointer":
            return "\(variant)"
        case "byte":
            return "bW9ja3Njb3Bl"
        case "color":
            return "#336699"
        case "phone":
            return "+1-555-01\(10 + variant % 90)"
        default:
            return nil
        }
    }

    static func date(hints: UserTextHints, variant: Int) -> String {
        let base = hints.date ?? defaultDate
        guard variant > 0 else { return base }
        let parts = base.split(separator: "-")
        let day = ((Int(parts[2]) ?? 14) - 1 + variant) % 28 + 1
        return "\(parts[0])-\(parts[1])-\(day < 10 ? "0" : "")\(day)"
    }

    /// An RFC 4122 version-4 UUID from the hash: `xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx`.
    static func uuid(_ hash: StableHash) -> String {
        let hex = Array(hash.hex(32))
        func run(_ range: Range<Int>) -> String { String(hex[range]) }
        return run(0..<8) + "-" + run(8..<12) + "-4" + run(13..<16) + "-8" + run(17..<20) + "-" + run(20..<32)
    }
}
