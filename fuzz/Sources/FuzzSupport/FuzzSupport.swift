// Shared by the fuzz targets: turning fuzz bytes into MockScope's inputs, the default fixtures and
// scenarios (parsed once per process), and the checks that turn a broken property into a crash
// libFuzzer can save.
@_exported import MockScope
@_exported import MockScopeHTTPTypes
import Logging
#if canImport(Glibc)
import Glibc
#endif

public enum Fuzz {
    /// The bytes libFuzzer handed over.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// A broken property: say which, then trap so that libFuzzer saves the input.
    public static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                               file: StaticString = #fileID, line: UInt = #line) {
        guard !condition() else { return }
        let text = "FUZZ PROPERTY BROKEN at \(file):\(line): \(message())\n"
        Fuzz.stderr(text)
        abort()
    }

    /// Writes straight to fd 2 (no buffering to lose when the process aborts next).
    public static func stderr(_ text: String) {
        _ = text.withCString { write(2, $0, strlen($0)) }
    }

    /// A short, printable rendering of bytes for property messages.
    public static func show(_ bytes: [UInt8], limit: Int = 300) -> String {
        var text = ""
        for byte in bytes.prefix(limit) {
            switch byte {
            case 0x20...0x7e where byte != 0x5c: text.unicodeScalars.append(Unicode.Scalar(byte))
            case 0x0a: text += "\\n"
            case 0x0d: text += "\\r"
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return bytes.count > limit ? text + "...(\(bytes.count) bytes)" : text
    }

    /// Logs go nowhere (a fuzz run makes millions of requests).
    public static let quietLogger = Logger(label: "mockscope.fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// The default fixtures and the built-in scenarios, parsed once.
public enum Defaults {
    public static let fixtures: [Fixture] = {
        do { return try FixtureLoader.loadEmbedded() } catch {
            Fuzz.stderr("the embedded fixtures do not load: \(error)\n")
            abort()
        }
    }()
    public static let store = FixtureStore(fixtures)
    public static let scenarios: [Scenario] = ScenarioLoader.builtIn()

    /// A server as `mockscope serve` makes it with the default fixtures: built-in scenarios known
    /// (inactive), nothing carried over from the previous input.
    public static func freshServer(settings: MockSettings = MockSettings()) -> ExchangeHandler {
        let server = ExchangeHandler(store: store, settings: settings, journalSize: 16, logger: Fuzz.quietLogger)
        for scenario in scenarios { server.scenarios.add(scenario, active: false, nowMs: 0) }
        return server
    }
}

/// Fuzz bytes as an HTTP request, in a text form close to the wire so seeds are readable:
///
///     METHOD TARGET[ anything]\n
///     Name: value\n            (header lines until an empty line; \r\n works too)
///     \n
///     body bytes...
///
/// TARGET is split at `?` into path and query (`a=1&b=2`), both percent-decoded as libmicrohttpd
/// does; strings lose NUL bytes (they cross libmicrohttpd as C strings). Every input is a request.
public enum RequestText {
    public static func decode(_ bytes: [UInt8]) -> HTTPRequest {
        var index = 0
        func line() -> [UInt8]? {
            guard index < bytes.count else { return nil }
            var end = index
            while end < bytes.count, bytes[end] != 10 { end += 1 }
            var result = Array(bytes[index..<end])
            if result.last == 13 { result.removeLast() }
            index = min(end + 1, bytes.count)
            return result
        }
        let first = line() ?? []
        let parts = first.split(separator: 32, maxSplits: 2, omittingEmptySubsequences: true)
        let method = parts.count > 0 ? cString(Array(parts[0])) : "GET"
        let target = parts.count > 1 ? Array(parts[1]) : Array("/".utf8)
        var headers = HeaderFields()
        while let field = line(), !field.isEmpty {
            if let colon = field.firstIndex(of: 58) {
                var value = Array(field[(colon + 1)...])
                while value.first == 32 || value.first == 9 { value.removeFirst() }
                headers.add(cString(Array(field[..<colon])), cString(value))
            } else {
                headers.add(cString(field), "")
            }
        }
        let body = index < bytes.count ? Array(bytes[index...]) : []
        var path = target
        var query: [(name: String, value: String)] = []
        if let mark = target.firstIndex(of: 63) {
            path = Array(target[..<mark])
            for pair in target[(mark + 1)...].split(separator: 38, omittingEmptySubsequences: true) {
                if let eq = pair.firstIndex(of: 61) {
                    query.append((cString(percentDecoded(Array(pair[..<eq]))), cString(percentDecoded(Array(pair[(eq + 1)...])))))
                } else {
                    query.append((cString(percentDecoded(Array(pair))), ""))
                }
            }
        }
        return HTTPRequest(method: method, path: cString(percentDecoded(path)), query: query, headers: headers, body: body,
                           bodyTooLarge: false, receivedAt: 0)
    }

    /// The inverse, for writing seeds and regression inputs.
    public static func encode(method: String, target: String, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
        var text = "\(method) \(target)\n"
        for (name, value) in headers { text += "\(name): \(value)\n" }
        text += "\n"
        return Array(text.utf8) + body
    }

    static func cString(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self)
    }

    static func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: return b - 48
            case 65...70: return b - 55
            case 97...102: return b - 87
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == 37, i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                result.append(hi << 4 | lo)
                i += 3
            } else {
                result.append(bytes[i])
                i += 1
            }
        }
        return result
    }
}

/// Properties every response MockScope hands to the HTTP layer must have.
public enum ResponseChecks {
    public static func check(_ response: HTTPResponse, for request: HTTPRequest, input: [UInt8]) {
        if case .live = response.body { return }
        Fuzz.require((100...599).contains(response.status),
                     "status \(response.status) is not an HTTP status, for \(Fuzz.show(input))")
        for field in response.headers {
            Fuzz.require(!field.name.isEmpty && !field.name.utf8.contains(where: { $0 <= 32 || $0 == 58 || $0 >= 127 }),
                         "response header name \(Fuzz.show(Array(field.name.utf8))) is not a token, for \(Fuzz.show(input))")
            Fuzz.require(!field.value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }),
                         "response header \(field.name) carries CR/LF/NUL (header injection): \(Fuzz.show(Array(field.value.utf8))), for \(Fuzz.show(input))")
        }
        // A JSON answer must be JSON: error messages quote what the client sent.
        let contentType = response.headers["content-type"]?.lowercased() ?? ""
        if contentType.contains("application/json"), case .bytes(let body) = response.body, !body.isEmpty {
            Fuzz.require((try? JSONValue.parse(body)) != nil,
                         "a \(response.status) application/json body does not parse: \(Fuzz.show(body)), for \(Fuzz.show(input))")
        }
    }
}
