/// Why a server refuses to start.
public enum StartError: Error, CustomStringConvertible {
    case adminTokenRequired(host: String)

    public var description: String {
        switch self {
        case .adminTokenRequired(let host):
            return "binding \(host) exposes the admin API beyond this machine: pass --admin-token TOKEN (clients then send it as Authorization: Bearer TOKEN on /__admin/ routes), or bind 127.0.0.1"
        }
    }
}
