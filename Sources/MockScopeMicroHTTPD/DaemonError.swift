public enum DaemonError: Error, CustomStringConvertible, Equatable {
    case startFailed(host: String, port: UInt16, reason: String)
    case alreadyStarted

    public var description: String {
        switch self {
        case let .startFailed(host, port, reason):
            return "could not listen on \(host):\(port): \(reason). Choose another --port (0 picks a free one) or a local --host."
        case .alreadyStarted:
            return "the server is already running; stop it before starting it again"
        }
    }
}
