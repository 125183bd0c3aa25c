import CoreMetrics
import Prometheus

/// A server's metrics (swift-metrics, exported in Prometheus text by swift-prometheus), each server
/// with a registry of its own so that servers in one process do not mix.
public final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let activeStreams: CoreMetrics.Gauge
    private let openRequests: CoreMetrics.Gauge
    private let bytesSent: CoreMetrics.Counter
    private let matchDuration: CoreMetrics.Timer

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
            .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(50),
        ]
        self.factory = factory
        activeStreams = CoreMetrics.Gauge(label: "mockscope_active_streams", factory: factory)
        openRequests = CoreMetrics.Gauge(label: "mockscope_open_requests", factory: factory)
        bytesSent = CoreMetrics.Counter(label: "mockscope_bytes_sent_total", factory: factory)
        matchDuration = CoreMetrics.Timer(label: "mockscope_match_duration_seconds", factory: factory)
    }

    /// One completed exchange. `path` should be a known route (unknown paths are counted as "other").
    public func exchange(path: String, status: Int, fixture: String, bytes: Int) {
        CoreMetrics.Counter(label: "mockscope_requests_total",
                dimensions: [("path", path), ("status", String(status)), ("fixture", fixture)], factory: factory).increment()
        bytesSent.increment(by: Int64(bytes))
    }

    public func faultFired(kind: String) {
        CoreMetrics.Counter(label: "mockscope_faults_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// How long deciding an answer (matching) took.
    public func matched(nanoseconds: UInt64) {
        matchDuration.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// The Prometheus text exposition, with the gauges read now.
    public func exposition(activeStreams streams: Int, openRequests requests: Int) -> [UInt8] {
        activeStreams.record(streams)
        openRequests.record(requests)
        return registry.emitToBuffer()
    }
}
