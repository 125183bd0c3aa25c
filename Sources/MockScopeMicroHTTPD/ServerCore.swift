import MockScopeHTTPTypes
import CMicroHTTPDShim
import Synchronization

/// State shared by every callback of one server.
final class ServerCore: Sendable {
    let handler: any HTTPHandler
    let scheduler = StreamScheduler(wake: ConnectionHandle.resume(token:))
    let activeStreams = Atomic<Int>(0)
    let openRequests = Atomic<Int>(0)
    let maxBodyBytes: Int
    let streamBlockSize: Int
    /// Live responses under way, so that stopping can end them.
    private let live = Mutex<[ObjectIdentifier: LiveResponse]>([:])
    private let stopping = Atomic<Bool>(false)

    /// Registers a live response; false when the server is stopping (end it instead).
    func track(_ response: LiveResponse) -> Bool {
        live.withLock { table in
            if stopping.load(ordering: .acquiring) { return false }
            table[ObjectIdentifier(response)] = response
            return true
        }
    }

    func untrack(_ response: LiveResponse) { live.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(response)) } }

    func shutDownLiveResponses() {
        let all = live.withLock { table -> [LiveResponse] in
            stopping.store(true, ordering: .releasing)
            return Array(table.values)
        }
        for response in all { response.shutdown() }
    }

    init(handler: any HTTPHandler, configuration: DaemonConfiguration) {
        self.handler = handler
        self.maxBodyBytes = configuration.maxBodyBytes
        self.streamBlockSize = configuration.streamBlockSize
    }
}
