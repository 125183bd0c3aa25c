/// How the HTTP layer reports what it has open: streams being sent and requests not yet completed.
final class ActivityCounts: Sendable {
    let streams: @Sendable () -> Int
    let requests: @Sendable () -> Int

    init(streams: @escaping @Sendable () -> Int, requests: @escaping @Sendable () -> Int) {
        self.streams = streams
        self.requests = requests
    }
}
