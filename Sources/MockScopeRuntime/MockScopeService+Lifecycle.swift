import MockScope
import ServiceLifecycle

extension MockScopeService: Service {
    /// How long a graceful shutdown waits for open recordings to finish writing.
    public static let drainTimeout: Duration = .seconds(5)

    /// Starts (unless started already), serves until a graceful shutdown is asked for (SIGTERM/SIGINT through a
    /// `ServiceGroup`) or the task is cancelled, then drains: see `shutDownGracefully`.
    public func run() async throws {
        if !daemon.isRunning { try start() }
        try? await gracefulShutdown()
        await shutDownGracefully()
    }

    /// Stops accepting connections, lets open recordings finish (up to `timeout`), then ends open
    /// streams and stops (`stop()`): a recording still open then is given up for "server shutting
    /// down" — a `*.partial.json` with `--keep-partial`, else dropped, logged either way — and its
    /// write is waited for, so no temporary file is left behind when this returns.
    public func shutDownGracefully(timeout: Duration = MockScopeService.drainTimeout) async {
        daemon.stopAccepting()
        if let recorder {
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while recorder.inFlightCount > 0, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        stop()
    }
}
