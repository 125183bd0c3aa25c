/// One way the real service breaks: it rewrites the plan MockScope was going to send.
/// One file per kind (as Toxiproxy has one file per toxic); `FaultRegistry` lists them.
public protocol Fault: Sendable, CustomStringConvertible {
    /// The kind's name in headers and scenarios (`http_error`).
    static var kind: String { get }
    /// The parameters this kind accepts.
    static var parameterNames: Set<String> { get }
    /// Builds the fault from its parameters; bad values throw a `FaultSpecError` saying what to fix.
    init(_ parameters: FaultParameters) throws(FaultSpecError)
    /// Rewrites `plan`.
    func apply(to plan: inout ResponsePlan, context: inout FaultContext)
}

/// What a fault may need to know about the exchange it breaks.
public struct FaultContext: Sendable {
    /// How the exchange's protocol states and frames errors (the module's `errorDialect`).
    public var dialect: any ErrorDialect
    public var requestID: String
    public var model: String?
    public var apiKey: String?
    /// The prompt's tokens, estimated from the request.
    public var promptTokens: Int
    /// The answer's completion tokens (from the fixture's usage, or estimated).
    public var completionTokens: Int
    /// The server's clock, in ms (real or virtual).
    public var nowMs: Double
    /// Seeded randomness: the same seed gives the same faults.
    public var random: SeededRandom
    /// Shared rate-limit windows.
    public var rateLimits: RateLimiterRegistry?
    /// The request's body as its module read it (misbehaviour faults read its tools and formats).
    public var request: JSONValue?
    /// How the exchange's chat answers are read and re-rendered (nil: not a model's answers).
    public var codec: AnswerCodec?

    public init(dialect: any ErrorDialect, requestID: String, model: String? = nil, apiKey: String? = nil, promptTokens: Int = 0,
                completionTokens: Int = 0, nowMs: Double = 0, random: SeededRandom = SeededRandom(seed: 1),
                rateLimits: RateLimiterRegistry? = nil, request: JSONValue? = nil, codec: AnswerCodec? = nil) {
        self.dialect = dialect
        self.requestID = requestID
        self.model = model
        self.apiKey = apiKey
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.nowMs = nowMs
        self.random = random
        self.rateLimits = rateLimits
        self.request = request
        self.codec = codec
    }
}

/// A fault specification that cannot be used, and what to do about it.
public enum FaultSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    case syntax(String)
    case unknownKind(String, known: [String])
    case unknownParameter(kind: String, name: String, allowed: [String])
    case invalidValue(kind: String, name: String, value: String, expected: String)
    case missingParameter(kind: String, expected: String)

    public var description: String {
        switch self {
        case .syntax(let detail):
            return "fault syntax: \(detail). Write faults as `kind name=value ...`, separated by `;` (docs/faults.md)."
        case let .unknownKind(kind, known):
            return "unknown fault kind \"\(kind)\"; use one of: \(known.joined(separator: ", "))."
        case let .unknownParameter(kind, name, allowed):
            return "\(kind) has no parameter \"\(name)\"; it takes: \(allowed.joined(separator: ", "))."
        case let .invalidValue(kind, name, value, expected):
            return "\(kind) \(name)=\(value) is not valid: \(name) must be \(expected)."
        case let .missingParameter(kind, expected):
            return "\(kind) needs \(expected)."
        }
    }
}

/// The `name=value` parameters of one fault, with typed readers that throw helpful errors.
public struct FaultParameters: Sendable, Equatable {
    public var kind: String
    public var values: [String: String]

    public init(kind: String, values: [String: String] = [:]) {
        self.kind = kind
        self.values = values
    }

    public func has(_ name: String) -> Bool { values[name] != nil }

    public func string(_ name: String) -> String? { values[name] }

    public func double(_ name: String, atLeast minimum: Double = 0) throws(FaultSpecError) -> Double? {
        guard let text = values[name] else { return nil }
        guard let value = Double(text), value.isFinite, value >= minimum else {
            throw .invalidValue(kind: kind, name: name, value: text, expected: "a number >= \(Self.show(minimum))")
        }
        return value
    }

    /// The largest whole-number parameter (counts of events, bytes, requests, tokens): far beyond
    /// any use, and far from overflowing when added up.
    public static let maxInt = 1_000_000_000_000

    public func int(_ name: String, atLeast minimum: Int = 0) throws(FaultSpecError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text), value >= minimum, value <= Self.maxInt else {
            throw .invalidValue(kind: kind, name: name, value: String(text.prefix(40)),
                                expected: "a whole number from \(minimum) to \(Self.maxInt)")
        }
        return value
    }

    public func bool(_ name: String) throws(FaultSpecError) -> Bool? {
        guard let text = values[name] else { return nil }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw .invalidValue(kind: kind, name: name, value: text, expected: "true or false")
        }
    }

    public func choice(_ name: String, _ allowed: [String]) throws(FaultSpecError) -> String? {
        guard let text = values[name] else { return nil }
        guard allowed.contains(text) else {
            throw .invalidValue(kind: kind, name: name, value: text, expected: "one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// Throws for any parameter not in `allowed`.
    public func rejectUnknown(_ allowed: Set<String>) throws(FaultSpecError) {
        if let name = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .unknownParameter(kind: kind, name: name, allowed: allowed.sorted())
        }
    }

    static func show(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// Every fault kind, and the parser of the compact syntax (`http_error status=429; latency ms=500`).
public enum FaultRegistry {
    /// Filled by each kind's file; keep this list in step with docs/faults.md.
    public static let kinds: [any Fault.Type] = [
        HTTPErrorFault.self, LatencyFault.self, SlowChunksFault.self, StallFault.self, DropFault.self, ResetFault.self,
        HangFault.self, MalformedChunkFault.self, StreamErrorFault.self, RateLimitFault.self, DocShapedEventsFault.self,
        TaskOutcomeFault.self,
        // Misbehaviour (the model's, not the network's): Faults/Misbehaviour/.
        BadToolArgumentsFault.self, UnknownToolFault.self, DuplicateToolIDsFault.self, CutAtLengthFault.self, EmptyAnswerFault.self,
        RefusalFault.self, EndlessReasoningFault.self, InvalidJSONFault.self, SchemaViolationFault.self,
    ]

    public static var kindNames: [String] { kinds.map { $0.kind } }

    /// Builds one fault of `parameters.kind`.
    public static func make(_ parameters: FaultParameters) throws(FaultSpecError) -> any Fault {
        guard let type = kinds.first(where: { $0.kind == parameters.kind }) else {
            throw .unknownKind(parameters.kind, known: kindNames)
        }
        try parameters.rejectUnknown(type.parameterNames)
        return try type.init(parameters)
    }

    /// Parses `kind a=1 b="x y"; kind2 ...` into faults.
    public static func parse(_ text: String) throws(FaultSpecError) -> [any Fault] {
        var faults: [any Fault] = []
        for spec in try parseSpecs(text) { faults.append(try make(spec)) }
        return faults
    }

    /// Parses the syntax into parameter sets without building faults.
    public static func parseSpecs(_ text: String) throws(FaultSpecError) -> [FaultParameters] {
        var specs: [FaultParameters] = []
        var tokens: [String] = []
        var current = ""
        var inQuotes = false
        var hadQuotes = false
        var escaped = false

        func endToken() {
            if !current.isEmpty || hadQuotes { tokens.append(current) }
            current = ""
            hadQuotes = false
        }
        func endSpec() throws(FaultSpecError) {
            endToken()
            guard !tokens.isEmpty else { return }
            let kind = tokens[0]
            guard !kind.contains("=") else { throw .syntax("a fault starts with its kind, not \"\(kind)\"") }
            var values: [String: String] = [:]
            for token in tokens.dropFirst() {
                guard let eq = token.firstIndex(of: "="), eq != token.startIndex else {
                    throw .syntax("\"\(token)\" in \(kind) is not name=value")
                }
                let name = String(token[..<eq])
                if values[name] != nil { throw .syntax("\(kind) gives \(name) twice") }
                values[name] = String(token[token.index(after: eq)...])
            }
            specs.append(FaultParameters(kind: kind, values: values))
            tokens = []
        }

        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if inQuotes {
                if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false } else { current.append(character) }
            } else if character == "\"" {
                inQuotes = true
                hadQuotes = true
            } else if character == ";" {
                try endSpec()
            } else if character == " " || character == "\t" {
                endToken()
            } else {
                current.append(character)
            }
        }
        if inQuotes { throw .syntax("a quoted value is not closed") }
        try endSpec()
        return specs
    }
}
