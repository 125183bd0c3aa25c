#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Log lines gathered in memory and written to a file descriptor by a timer, not one `write`
/// per line on the thread that made it: the per-request line then costs a few hundred bytes of
/// copying. Flushed `flushInterval` after the first line the buffer holds and when the server
/// stops (`flush()`); a crash loses at most that interval. The timer runs only while lines wait:
/// an idle server is not woken 100 times a second. Past `maxBufferedBytes` (the descriptor does not keep up: a full pipe),
/// lines are dropped and counted, never waited for, and the count is written once it drains.
public final class BufferedLogWriter: Sendable {
    public let format: LogFormat
    public let flushIntervalMillis: Int
    public let maxBufferedBytes: Int
    private let fd: Int32

    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
        var timestamp = LogTimestamp()
        /// A flush is due (the timer is set for it).
        var flushDue = false
    }

    private let pending: Mutex<Pending>
    /// Serializes writes to `fd` (the timer and `flush()`), and keeps the spare buffer.
    private let writing = Mutex<[UInt8]>([])
    private let timer: Mutex<DispatchSourceTimer?>

    public static let defaultFlushIntervalMillis = 10
    static let initialCapacity = 64 << 10
    static let keptCapacity = 256 << 10
    public static let defaultMaxBufferedBytes = 8 << 20

    /// Makes the flush timer (set by the first line). `fd` stays open (it is usually standard error).
    public init(fd: Int32 = 2, format: LogFormat = .text, flushIntervalMillis: Int = defaultFlushIntervalMillis,
                maxBufferedBytes: Int = defaultMaxBufferedBytes) {
        self.fd = fd
        self.format = format
        self.flushIntervalMillis = max(1, flushIntervalMillis)
        self.maxBufferedBytes = max(4096, maxBufferedBytes)
        var initial = Pending()
        initial.bytes.reserveCapacity(Self.initialCapacity)
        pending = Mutex(initial)
        timer = Mutex(DispatchSource.makeTimerSource(queue: DispatchQueue(label: "mockscope.log-writer", qos: .utility)))
        timer.withLock { source in
            source?.setEventHandler { [weak self] in self?.flush() }
            source?.resume()  // not set: fires only once `line` sets it
        }
    }

    /// Whether a flush is due: lines wait and the timer is set for them (false while idle).
    var flushIsDue: Bool { pending.withLock { $0.flushDue } }

    /// Sets the timer to flush one interval from now (once per interval at most: only the line
    /// that finds no flush due calls this).
    private func setFlushTimer() {
        let leeway = DispatchTimeInterval.milliseconds(max(1, flushIntervalMillis / 4))
        timer.withLock { $0?.schedule(deadline: .now() + .milliseconds(flushIntervalMillis), repeating: .never, leeway: leeway) }
    }

    deinit {
        timer.withLock { $0?.cancel() }
        flush()
    }

    /// Appends one line: `build` writes it after the time stamp it is given; the newline is added.
    /// Runs under the writer's lock, so it must only append bytes.
    public func line(_ build: (inout [UInt8], _ timestamp: [UInt8]) -> Void) {
        let setTimer = pending.withLock { state -> Bool in
            if state.bytes.count < maxBufferedBytes {
                state.timestamp.update()
                build(&state.bytes, state.timestamp.bytes)
                state.bytes.append(0x0A)
            } else {
                state.dropped += 1
            }
            defer { state.flushDue = true }
            return !state.flushDue
        }
        if setTimer { setFlushTimer() }
    }

    /// Writes everything gathered so far (the timer calls it; call it before exit).
    public func flush() {
        writing.withLock { spare in
            var out = spare
            var dropped = 0
            pending.withLock { state in
                swap(&out, &state.bytes)
                dropped = state.dropped
                state.dropped = 0
                state.flushDue = false
            }
            if dropped > 0 {
                line { bytes, timestamp in
                    if format == .json {
                        bytes.append(ascii: "{\"time\":\"")
                        bytes.append(contentsOf: timestamp)
                        bytes.append(ascii: "\",\"level\":\"warning\",\"label\":\"mockscope\",\"dropped_lines\":")
                        bytes.append(decimal: dropped)
                        bytes.append(ascii: "}")
                    } else {
                        bytes.append(contentsOf: timestamp)
                        bytes.append(ascii: " warning mockscope: [MockScope] ")
                        bytes.append(decimal: dropped)
                        bytes.append(ascii: " log lines dropped: the log's output did not keep up (see --log-buffer-bytes)")
                    }
                }
            }
            var offset = 0
            while offset < out.count {
                let written = out.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    break  // the descriptor is gone or full beyond waiting: these bytes are lost
                }
            }
            // A burst's buffer is not kept: past 256 KiB the spare starts small again (a flood of
            // lines once would otherwise hold its peak, up to twice `maxBufferedBytes`, for good).
            if out.capacity > Self.keptCapacity {
                out = []
                out.reserveCapacity(Self.initialCapacity)
            } else {
                out.removeAll(keepingCapacity: true)
            }
            spare = out
        }
    }

    /// Stops the timer and writes what is left.
    public func close() {
        timer.withLock { $0?.cancel(); $0 = nil }
        flush()
    }
}
