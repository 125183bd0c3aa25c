#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stage 1b: what a web page the user visits can send is refused, on protocol routes as on the
/// admin API. A page can POST to 127.0.0.1 (a "simple" cross-origin request needs no preflight)
/// or reach it through a name it controls (DNS rebinding); an SDK, curl or test code sends
/// neither a foreign `Origin` nor `Sec-Fetch-Site: cross-site`, and names a server bound to
/// loopback by a loopback `Host`. Refused requests get the protocol's 403 and are never
/// forwarded or recorded (a page could otherwise plant a fixture that answers every request).
/// `--allow-browser-requests` turns it off, for apps that call the API from a page on purpose.
struct BrowserGuard: Sendable {
    func run(_ exchange: inout Exchange, settings: MockSettings) {
        guard settings.refusesBrowserRequests, exchange.endpoint.apiProtocol != nil else { return }
        // The usual request: no Origin, no Sec-Fetch-Site, a Host of 127.0.0.1 or localhost.
        guard exchange.heads.origin != nil || exchange.heads.fetchSite != nil
                || (settings.boundToLoopback && exchange.heads.host.map(Self.isPlainLoopback) == false)
        else { return }
        if let refusal = Self.refusal(host: exchange.heads.host, origin: exchange.heads.origin, fetchSite: exchange.heads.fetchSite, what: "requests",
                                      hostMustBeLoopback: settings.boundToLoopback,
                                      remedy: "send them from test code, or serve with --allow-browser-requests") {
            exchange.refuse(ErrorCatalog.accessDenied, message: "MockScope: " + refusal)
        }
    }

    /// `127.0.0.1`, `localhost` or `[::1]`, with or without a port: byte-level, as every request
    /// carries a Host (anything else goes to `isLoopback`).
    static func isPlainLoopback(_ host: String) -> Bool {
        let plain = host.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let name: StaticString
            switch bytes.first {
            case UInt8(ascii: "1"): name = "127.0.0.1"
            case UInt8(ascii: "l"): name = "localhost"
            case UInt8(ascii: "["): name = "[::1]"
            default: return false
            }
            let count = name.utf8CodeUnitCount
            guard bytes.count >= count, memcmp(bytes.baseAddress!, name.utf8Start, count) == 0 else { return false }
            guard bytes.count > count else { return true }
            guard bytes[count] == UInt8(ascii: ":"), bytes.count > count + 1 else { return false }
            for index in (count + 1)..<bytes.count where bytes[index] < 0x30 || bytes[index] > 0x39 { return false }
            return true
        }
        return plain == true || isLoopback(host: host.lowercased())
    }

    /// Why a request looks sent by a web page of another site, or nil.
    static func refusal(host rawHost: String?, origin rawOrigin: String?, fetchSite rawSite: String?, what: String,
                        hostMustBeLoopback: Bool, remedy: String) -> String? {
        let host = rawHost?.lowercased()
        if let site = rawSite?.lowercased(), site == "cross-site" || site == "same-site" {
            return "\(what) from another web site are refused (Sec-Fetch-Site: \(site)); \(remedy)"
        }
        if let origin = rawOrigin?.lowercased() {
            let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
            if originHost == nil || originHost != host {
                return "\(what) from a web page of another origin (Origin: \(origin)) are refused; \(remedy)"
            }
        }
        if hostMustBeLoopback, let host, !isLoopback(host: host) {
            return "\(what) must name this loopback server by a loopback Host (127.0.0.1, localhost, [::1]), not \"\(host)\"; \(remedy)"
        }
        return nil
    }

    /// `127.x.x.x`, `localhost`, `[::1]`, with or without a port.
    static func isLoopback(host: String) -> Bool {
        var name = Substring(host)
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            return name[name.index(after: name.startIndex)..<close] == "::1"
        }
        if let colon = name.lastIndex(of: ":") { name = name[..<colon] }
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
