// The one unsafe seam of MockScope: every @convention(c) callback libmicrohttpd calls, and every
// raw pointer crossing between C and Swift. Rules kept here:
//  - Swift state travels through `cls` / `con_cls` as Unmanaged pointers: the ServerCore unretained
//    (the MicroHTTPDDaemon holds each run's core until that run's daemon is stopped), a
//    RequestContext retained on the first access-handler call and released in the completion
//    callback, a StreamContext retained when its response is created and released in the
//    response's free callback, and nowhere else.
//  - Waits are timed on the run's scheduler clock (`ServerCore.clock`); `HTTPRequest.receivedAt`
//    and reported durations are real monotonic time.
//  - No callback throws, blocks or waits: a body that is not due suspends its connection and the
//    StreamScheduler resumes it.
//  - A peer is gone when it reset the connection or a write failed, not when it half-closed
//    (curl-like and HTTP/1.0 clients send their FIN after the request and still read the answer);
//    only a wait "until the client gives up" (a hang or stall without ms) ends on a FIN.
//    Held connections are watched through the scheduler's epoll set, never polled.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CMicroHTTPD
import CMicroHTTPDShim
import MockScopeHTTPTypes

/// What of a body over the size limit is kept for the journal.
let tooLargePrefixBytes = 16 * 1024

/// A libmicrohttpd connection pointer that may be handed to the scheduler thread.
/// Safe because the only thing done with it off the connection's thread is MHD_resume_connection,
/// which libmicrohttpd documents as callable from any thread, and the connection cannot be freed
/// while it is suspended (it is resumed before the daemon stops).
struct ConnectionHandle: @unchecked Sendable {
    let raw: OpaquePointer

    /// The pointer as a scheduler token, and back.
    var token: UInt { UInt(bitPattern: Int(bitPattern: raw)) }
    init(raw: OpaquePointer) { self.raw = raw }
    init?(token: UInt) {
        guard let raw = OpaquePointer(bitPattern: Int(bitPattern: token)) else { return nil }
        self.raw = raw
    }

    /// Resumes the connection a scheduler token names.
    static func resume(token: UInt) {
        if let handle = ConnectionHandle(token: token) { MHD_resume_connection(handle.raw) }
    }
}

/// The C side of the scheduler's peer watch (`mscope_watch_*` in the shim: an epoll set of
/// suspended connections' sockets) and of looking at a peer (`mscope_peer_gone`).
enum PeerWatch {
    /// The epoll set and the eventfd that stops its waiter; nil where there is none (not Linux).
    static func create() -> (watch: Int32, wake: Int32)? {
        var wake: Int32 = -1
        let watch = mscope_watch_create(&wake)
        return watch >= 0 ? (watch, wake) : nil
    }

    /// Reports `token` when the peer of `fd` resets (or errors), or with `halfCloseEnds` also
    /// half-closes. False if it could not be added.
    static func add(_ watch: Int32, fd: Int32, token: UInt, halfCloseEnds: Bool) -> Bool {
        mscope_watch_add(watch, fd, UInt64(token), halfCloseEnds ? 1 : 0) == 0
    }

    static func remove(_ watch: Int32, fd: Int32) { mscope_watch_remove(watch, fd) }

    /// Blocks until a watched peer goes; `tokens` gets the tokens reported. False once `signal`
    /// was called: the waiter stops.
    static func wait(_ watch: Int32, into tokens: inout [UInt]) -> Bool {
        var raw = [UInt64](repeating: 0, count: 256)
        let count = raw.withUnsafeMutableBufferPointer { mscope_watch_wait(watch, $0.baseAddress, Int32($0.count)) }
        tokens.removeAll(keepingCapacity: true)
        guard count >= 0 else { return false }
        for index in 0 ..< Int(count) { tokens.append(UInt(raw[index])) }
        return true
    }

    static func signal(_ wake: Int32) { mscope_watch_signal(wake) }

    static func close(_ watch: Int32, _ wake: Int32) { mscope_watch_close(watch, wake) }

    /// The peer of `fd` is gone: it reset the connection (or it has an error). A half-close (its
    /// FIN: it sent its request and may still be reading) is not, unless `halfCloseEnds` (a wait
    /// that lasts "until the client gives up", where nothing will ever be sent).
    static func gone(_ fd: Int32, halfCloseEnds: Bool) -> Bool {
        mscope_peer_gone(fd, halfCloseEnds ? 1 : 0) != 0
    }
}

/// A started daemon. Only used under MicroHTTPDDaemon's mutex.
struct DaemonHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

enum CallbackSeam {
    static func startDaemon(core: ServerCore, configuration: DaemonConfiguration) throws -> DaemonHandle {
        let coreOpaque = Unmanaged.passUnretained(core).toOpaque()
        var errorMessage: UnsafePointer<CChar>?
        let daemon: OpaquePointer? = configuration.host.withCString { host in
            var config = mscope_daemon_config(
                bind_host: host,
                port: configuration.port,
                thread_pool_size: UInt32(max(1, configuration.threads)),
                connection_limit: UInt32(configuration.connectionLimit),
                connection_memory_limit: configuration.connectionMemoryLimit,
                connection_timeout_seconds: UInt32(configuration.connectionTimeoutSeconds),
                listen_backlog: UInt32(configuration.listenBacklog))
            return mscope_start_daemon(&config,
                                       unsafeBitCast(accessHandler, to: UnsafeMutableRawPointer.self), coreOpaque,
                                       unsafeBitCast(requestCompleted, to: UnsafeMutableRawPointer.self), coreOpaque,
                                       &errorMessage)
        }
        guard let daemon else {
            let reason = errorMessage.map { String(cString: $0) } ?? "unknown error"
            throw DaemonError.startFailed(host: configuration.host, port: configuration.port, reason: reason)
        }
        return DaemonHandle(raw: daemon)
    }

    static func stopDaemon(_ handle: DaemonHandle) {
        MHD_stop_daemon(handle.raw)
    }

    /// Stops accepting connections (the open ones go on): libmicrohttpd hands the listening
    /// socket back, to be closed here.
    static func quiesceDaemon(_ handle: DaemonHandle) {
        let socket = MHD_quiesce_daemon(handle.raw)
        if socket >= 0 { close(socket) }
    }

    /// A response with a whole body (copied into libmicrohttpd's own buffer).
    static func wholeResponse(_ bytes: [UInt8]) -> OpaquePointer? {
        bytes.withUnsafeBytes { raw in
            MHD_create_response_from_buffer(raw.count, UnsafeMutableRawPointer(mutating: raw.baseAddress), .RESPMEM_MUST_COPY)
        }
    }

    /// Adds `headers` to a response, except the framing ones libmicrohttpd writes itself.
    static func addHeaders(_ headers: HeaderFields, to response: OpaquePointer, allowConnectionHeader: Bool = false) {
        for field in headers {
            if field.name.caseInsensitiveEquals("content-length") || field.name.caseInsensitiveEquals("transfer-encoding")
                || (!allowConnectionHeader && field.name.caseInsensitiveEquals("connection")) { continue }
            _ = MHD_add_response_header(response, field.name, field.value)
        }
    }

    static func destroyResponse(_ handle: ResponseHandle) {
        MHD_destroy_response(handle.raw)
    }
}

/// A libmicrohttpd response shared by many requests (a `PreparedResponse`). Safe to hand between
/// threads: libmicrohttpd guards a response's reference count with its own mutex, and nothing
/// changes the response after it is built.
struct ResponseHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

private func core(_ cls: UnsafeMutableRawPointer?) -> ServerCore {
    Unmanaged<ServerCore>.fromOpaque(cls!).takeUnretainedValue()
}

/// Collects header fields or query arguments into a Swift array (libmicrohttpd gives each
/// length: no strlen).
private let collectValues: MHD_KeyValueIteratorN = { cls, _, key, keySize, value, valueSize in
    let box = cls!.assumingMemoryBound(to: [(name: String, value: String)].self)
    if let key {
        box.pointee.append((CommonRequestText.name(key, keySize), value.map { CommonRequestText.value($0, valueSize) } ?? ""))
    }
    return .YES
}

private func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(name: String, value: String)] {
    var result: [(name: String, value: String)] = []
    // Exactly the room the fields need (libmicrohttpd counts them without an iterator): no copies
    // from growing, and no spare slots held for a stream's life (a fixed 12 kept 416 bytes for a
    // usual 5-field request; 10,000 streams held 2 MB of them).
    let count = MHD_get_connection_values_n(connection, kind, nil, nil)
    if count > 0 { result.reserveCapacity(Int(count)) } else { return result }
    withUnsafeMutablePointer(to: &result) { pointer in
        _ = MHD_get_connection_values_n(connection, kind, collectValues, pointer)
    }
    return result
}

private let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let connection, let conCls, let uploadDataSize else { return .NO }
    let core = core(cls)
    // First call: headers are in, the body (if any) is not. Keep a context and ask for more.
    guard let existing = conCls.pointee else {
        core.counters.openRequests.add(1, ordering: .relaxed)
        let context = RequestContext()
        conCls.pointee = Unmanaged.passRetained(context).toOpaque()
        context.headers = HeaderFields(values(connection, .HEADER_KIND))
        // Refuse ambiguous framing before reading a byte of the body: answered at once, which
        // makes libmicrohttpd close the connection afterwards (nothing smuggled behind it is read).
        if let reason = unsafeFraming(context.headers) {
            context.closedOnPurpose = true
            let response = CallbackSeam.wholeResponse(Array("Bad Request: \(reason).\n".utf8))
            return finishQueueing(response, status: 400, headers: HeaderFields([("content-type", "text/plain"), ("connection", "close")]),
                                  on: connection, context: context, allowConnectionHeader: true)
        }
        return .YES
    }
    let context = Unmanaged<RequestContext>.fromOpaque(existing).takeUnretainedValue()
    // Body pieces.
    if uploadDataSize.pointee > 0 {
        let count = uploadDataSize.pointee
        if !context.bodyTooLarge, let uploadData {
            if context.body.count + count > core.maxBodyBytes {
                // Over the limit: only the start is kept (what the journal shows); the rest of the
                // body is read and dropped, and what was gathered is freed now, not when the
                // connection ends (a stuck upload held up to the limit until the idle timeout).
                context.bodyTooLarge = true
                context.body = Array(context.body.prefix(tooLargePrefixBytes))
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                    context.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                }
            }
        }
        uploadDataSize.pointee = 0
        return .YES
    }
    // The request is complete (or we were resumed after a wait before the status line).
    if context.queued { return .YES }
    let handle = ConnectionHandle(raw: connection)
    if context.response == nil {
        // Waits are timed on the scheduler's clock; `receivedAt` is real time (read once when
        // the two are the same clock).
        let startedAt = core.clock.now()
        context.startedAt = startedAt
        let request = HTTPRequest(
            method: method.map(CommonRequestText.method) ?? "GET",
            path: url.map(CommonRequestText.path) ?? "/",
            query: values(connection, .GET_ARGUMENT_KIND),
            headers: context.headers,
            body: context.body,
            bodyTooLarge: context.bodyTooLarge,
            receivedAt: core.clockIsMonotonic ? startedAt : MonotonicClock.now())
        context.body = []
        context.request = request
        context.response = core.handler.handle(request)
    }
    let response = context.response!
    let startedAt = context.startedAt
    let now = core.clock.now()

    // Before the first wait ahead of the status line, return once without suspending.
    // libmicrohttpd 0.9.75 keeps the event-loop state of the turn that read the request (READ)
    // for a connection suspended in its final call, reads again on resume, and closes the
    // connection when that read finds a half-closing client's FIN. Returning once lets it move
    // to its BLOCK state; the connection stays in its ready list, so the next turn calls again
    // at once, and a wait begun then is resumed without a read.
    if !context.leftReadState, response.waitsBeforeStatusLine(now: now, startedAt: startedAt) {
        context.leftReadState = true
        return .YES
    }

    // Waiting before the status line: a hang, or latency before the first byte.
    if response.hang {
        let deadline = response.hangNanos.map { startedAt &+ $0 } ?? UInt64.max
        if now >= deadline {
            context.closedOnPurpose = true
            return .NO
        }
        // Until the client leaves: a reset, or its FIN (it gave up; nothing will ever come). With
        // a deadline, a half-closed client is kept until then, like any other.
        let untilTheClientLeaves = response.hangNanos == nil
        let fd = mscope_connection_fd(connection)
        if PeerWatch.gone(fd, halfCloseEnds: untilTheClientLeaves) { return .NO }
        return suspend(core, handle, until: deadline, watching: fd, halfCloseEnds: untilTheClientLeaves) ? .YES : .NO
    }
    if case .live(let live) = response.body {
        if context.live == nil {
            guard core.track(live) else { live.shutdown(); return .NO }
            context.live = live
        }
        switch live.head(suspend: { MHD_suspend_connection(handle.raw) }, resume: { MHD_resume_connection(handle.raw) }) {
        case .wait:
            return .YES
        case let .ready(status, headers):
            return queueLive(live, status: status, headers: headers, on: connection, context: context, core: core)
        }
    }
    if let delay = response.headerDelayNanos, now < startedAt &+ delay {
        // A half-closed client still gets its answer: only a reset ends the wait early.
        let fd = mscope_connection_fd(connection)
        if PeerWatch.gone(fd, halfCloseEnds: false) { return .NO }
        return suspend(core, handle, until: startedAt &+ delay, watching: fd) ? .YES : .NO
    }
    return queue(response, on: connection, context: context, core: core, startedAt: startedAt)
}

/// Suspends the connection until `due`; with `fd`, also until its peer resets (or, with
/// `halfCloseEnds`, half-closes), which the scheduler's peer watch sees without waking anyone.
private func suspend(_ core: ServerCore, _ handle: ConnectionHandle, until due: UInt64, watching fd: Int32 = -1,
                     halfCloseEnds: Bool = false) -> Bool {
    core.scheduler.suspend(until: due, token: handle.token, watching: fd, halfCloseEnds: halfCloseEnds,
                           suspend: { MHD_suspend_connection(handle.raw) })
}

private func queue(_ response: HTTPResponse, on connection: OpaquePointer, context: RequestContext,
                   core: ServerCore, startedAt: UInt64) -> MHD_Result {
    let mhdResponse: OpaquePointer?
    switch response.body {
    case .prepared(let prepared):
        // Shared: libmicrohttpd counts its own reference; the RequestContext keeps `prepared`
        // (and so the response) alive until the request completes.
        // This adapter's preparer made it (the runtime hands the domain that one).
        guard let response = prepared as? PreparedResponse else {
            return finishQueueing(CallbackSeam.wholeResponse([]), status: 500, headers: HeaderFields(), on: connection, context: context)
        }
        context.queued = true
        return MHD_queue_response(connection, UInt32(response.status), response.handle.raw)
    case .bytes(let bytes):
        mhdResponse = CallbackSeam.wholeResponse(bytes)
    case let .stream(chunks, ending):
        let stream = StreamContext(chunks: chunks, ending: ending, startedAt: startedAt,
                                   fd: mscope_connection_fd(connection), bytesPerSecond: response.bytesPerSecond)
        context.stream = stream
        mhdResponse = streamedResponse(.timed(stream), core: core, connection: connection)
    case .live:
        return .NO  // handled by queueLive
    }
    return finishQueueing(mhdResponse, status: response.status, headers: response.headers, on: connection, context: context)
}

private func finishQueueing(_ mhdResponse: OpaquePointer?, status: Int, headers: HeaderFields, on connection: OpaquePointer,
                            context: RequestContext, allowConnectionHeader: Bool = false) -> MHD_Result {
    guard let mhdResponse else { return .NO }
    CallbackSeam.addHeaders(headers, to: mhdResponse, allowConnectionHeader: allowConnectionHeader)
    let result = MHD_queue_response(connection, UInt32(status), mhdResponse)
    MHD_destroy_response(mhdResponse)
    context.queued = true
    return result
}

private func queueLive(_ live: LiveResponse, status: Int, headers: HeaderFields, on connection: OpaquePointer,
                       context: RequestContext, core: ServerCore) -> MHD_Result {
    let mhdResponse = streamedResponse(.live(live), core: core, connection: connection)
    return finishQueueing(mhdResponse, status: status, headers: headers, on: connection, context: context)
}

/// What a streamed response's content reader `cls` points to: a timed list of events, or a
/// live response fed by a producer.
private final class ReaderBinding {
    enum Source {
        case timed(StreamContext)
        case live(LiveResponse)
    }

    let core: ServerCore
    let source: Source
    let connection: ConnectionHandle
    init(core: ServerCore, source: Source, connection: ConnectionHandle) {
        self.core = core
        self.source = source
        self.connection = connection
    }
}

/// Creates the chunked response whose body `source` supplies; counts it as an active stream
/// until its free callback.
private func streamedResponse(_ source: ReaderBinding.Source, core: ServerCore, connection: OpaquePointer) -> OpaquePointer? {
    core.counters.activeStreams.add(1, ordering: .relaxed)
    let cls = Unmanaged.passRetained(ReaderBinding(core: core, source: source, connection: ConnectionHandle(raw: connection))).toOpaque()
    let response = MHD_create_response_from_callback(mscope_size_unknown(), core.streamBlockSize, contentReader, cls, contentReaderFree)
    if response == nil { contentReaderFree(cls) }
    return response
}

private let contentReader: MHD_ContentReaderCallback = { cls, _, buffer, max in
    let binding = Unmanaged<ReaderBinding>.fromOpaque(cls!).takeUnretainedValue()
    let handle = binding.connection
    let target = UnsafeMutableRawBufferPointer(start: buffer, count: max)
    switch binding.source {
    case .timed(let stream):
        switch stream.fill(target, now: binding.core.clock.now(), peerGone: { PeerWatch.gone(stream.fd, halfCloseEnds: $0) }) {
        case .wrote(let count):
            return count
        case .wait(let due):
            // Nothing is due: park the connection; the scheduler resumes it when the next event is.
            if suspend(binding.core, handle, until: due) { return 0 }
            stream.endForShutdown()
            return mscope_reader_end_with_error()
        case let .watch(due, halfCloseEnds):
            // A stall: parked until its end, or until the peer goes (the scheduler's watch).
            if suspend(binding.core, handle, until: due, watching: stream.fd, halfCloseEnds: halfCloseEnds) { return 0 }
            stream.endForShutdown()
            return mscope_reader_end_with_error()
        case .finish:
            return mscope_reader_end_of_stream()
        case .abort(let reset):
            if reset { mscope_set_linger_reset(stream.fd) }
            return mscope_reader_end_with_error()
        }
    case .live(let live):
        // Nothing pending: park the connection; the producer resumes it when it sends more.
        switch live.fill(target, suspend: { MHD_suspend_connection(handle.raw) }, resume: { MHD_resume_connection(handle.raw) }) {
        case .wrote(let count): return count
        case .wait: return 0
        case .finish: return mscope_reader_end_of_stream()
        case .abort: return mscope_reader_end_with_error()
        }
    }
}

private let contentReaderFree: MHD_ContentReaderFreeCallback = { cls in
    let binding = Unmanaged<ReaderBinding>.fromOpaque(cls!).takeRetainedValue()
    binding.core.counters.activeStreams.subtract(1, ordering: .relaxed)
}

private let requestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, termination in
    guard let conCls, let opaque = conCls.pointee else { return }
    conCls.pointee = nil
    let core = core(cls)
    let context = Unmanaged<RequestContext>.fromOpaque(opaque).takeRetainedValue()
    core.counters.openRequests.subtract(1, ordering: .relaxed)
    // The request and the response are moved out of the context, which ends here: a read of
    // either optional would copy (retain, then release) each of its fields.
    guard let request = context.request.take() else { return }
    let completedOK = termination == .REQUEST_TERMINATED_COMPLETED_OK
    var status = 0, bytes = 0
    var tag: (any AnyObject & Sendable)?
    if let response = context.response.take() {
        status = response.status
        tag = response.tag
        switch response.body {
        case .bytes(let body): bytes = completedOK ? body.count : 0
        case .prepared(let prepared): bytes = completedOK ? prepared.byteCount : 0
        case .stream: bytes = context.stream?.bytesSent ?? 0
        case .live(let live): bytes = live.bytesSent
        }
    }
    let wentAway = !completedOK && !context.closedOnPurpose && !(context.stream?.endedOnPurpose ?? false)
    if let live = context.live {
        live.closed(clientWentAway: wentAway)
        core.untrack(live)
        status = live.status ?? status
    }
    let outcome = HTTPOutcome(status: status, bytesSent: bytes, durationNanos: MonotonicClock.now() &- request.receivedAt,
                              clientWentAway: wentAway, tag: tag)
    core.handler.completed(request, outcome: outcome)
}

private extension HTTPResponse {
    /// Whether the final call may suspend before queueing a status line: a hang not yet over, a
    /// live answer (its head may not have come), or a delay not yet passed.
    func waitsBeforeStatusLine(now: UInt64, startedAt: UInt64) -> Bool {
        if hang { return hangNanos.map { now < startedAt &+ $0 } ?? true }
        if case .live = body { return true }
        if let delay = headerDelayNanos { return now < startedAt &+ delay }
        return false
    }
}
