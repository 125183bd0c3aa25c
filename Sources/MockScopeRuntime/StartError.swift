/// Why a server refuses to start.
public enum StartError: Error, CustomStringConvertible {
    case adminTokenRequired(host: String)
    /// `--admin-token ""` (what `--admin-token "$UNSET"` gives) or only whitespace.
    case emptyAdminToken

    public var description: String {
        switch self {
        case .adminTokenRequired(let host):
            return "binding \(host) exposes the admin API beyond this machine: pass --admin-token TOKEN (clients then send it as Authorization: Bearer TOKEN on /__admin/ routes), or bind 127.0.0.1"
        case .emptyAdminToken:
            return "--admin-token is empty (or only whitespace): an empty token would let any request through; "
                + "pass a non-empty token (is the variable you passed set?), or leave --admin-token out on 127.0.0.1"
        }
    }
}
