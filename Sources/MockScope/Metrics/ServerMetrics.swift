import CoreMetrics
import Prometheus
import Synchronization

/// A server's metrics (swift-metrics, exported in Prometheus text by swift-prometheus), each server
/// with a registry of its own so that servers in one process do not mix.
public final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let activeStreams: CoreMetrics.Gauge
    private let openRequests: CoreMetrics.Gauge
    private let bytesSent: CoreMetrics.Counter
    private let matchDuration: CoreMetrics.Timer
    /// Labelled counters made once and kept: making one goes through the registry's lock and
    /// label validation, too dear for every request. Bounded (paths are routes, fixtures a
    /// finite set); past the bound a counter is made per call as before.
    private let exchanges = Mutex<[ExchangeLabels: CoreMetrics.Counter]>([:])
    private let faults = Mutex<[String: CoreMetrics.Counter]>([:])
    private static let cachedLabelSets = 4096

    private struct ExchangeLabels: Hashable {
        var path: String
        var status: Int
        var fixture: String

        func hash(into hasher: inout Hasher) {
            hasher.combine(ByteDigest.of(fixture, seed: ByteDigest.of(path, seed: UInt64(truncatingIfNeeded: status))))
        }
    }

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
        exchange(counter: requestCounter(path: path, status: status, fixture: fixture), bytes: bytes)
    }

    /// One completed exchange whose labels' counter is known (`requestCounter`): a remembered
    /// decision keeps its counter, so a repeated request looks no labels up.
    public func exchange(counter: CoreMetrics.Counter, bytes: Int) {
        counter.increment()
        bytesSent.increment(by: Int64(bytes))
    }

    /// The `mockscope_requests_total` counter of these labels.
    public func requestCounter(path: String, status: Int, fixture: String) -> CoreMetrics.Counter {
        let labels = ExchangeLabels(path: path, status: status, fixture: fixture)
        return exchanges.withLock { $0[labels] } ?? {
            let made = CoreMetrics.Counter(label: "mockscope_requests_total",
                                           dimensions: [("path", path), ("status", String(status)), ("fixture", fixture)], factory: factory)
            exchanges.withLock { if $0.count < Self.cachedLabelSets { $0[labels] = made } }
            return made
        }()
    }

    public func faultFired(kind: String) {
        let counter = faults.withLock { $0[kind] } ?? {
            let made = CoreMetrics.Counter(label: "mockscope_faults_total", dimensions: [("kind", kind)], factory: factory)
            faults.withLock { if $0.count < Self.cachedLabelSets { $0[kind] = made } }
            return made
        }()
        counter.increment()
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
