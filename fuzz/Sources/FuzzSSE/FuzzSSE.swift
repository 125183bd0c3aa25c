// Fuzz target: the recorder's SSE splitter (Sources/MockScopeRecorder/SSEEventSplitter.swift,
// compiled here from its own file). The first bytes choose how the rest arrives in chunks; the
// events found, followed by what finish() returns, must be exactly the bytes that arrived; every
// event ends with a blank line; and the events must not depend on how the body was chunked.
#if canImport(Glibc)
import Glibc
#endif

private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    let text = "FUZZ PROPERTY BROKEN (SSEEventSplitter): \(message())\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    abort()
}

/// The event's last line is empty: drop its last line end (CRLF, LF or CR); what is left is
/// nothing or ends with a line end.
private func endsWithBlankLine(_ event: [UInt8]) -> Bool {
    var rest = event[...]
    if rest.suffix(2) == [13, 10] { rest = rest.dropLast(2) } else if rest.last == 10 || rest.last == 13 { rest = rest.dropLast() } else { return false }
    return rest.isEmpty || rest.last == 10 || rest.last == 13
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let all = Array(UnsafeBufferPointer(start: data, count: size))
    // Byte 0: how many chunk sizes follow (0-7); then that many sizes (1-256); then the body.
    let sizeCount = Int(all[0] & 7)
    let sizes = all.dropFirst().prefix(sizeCount).map { Int($0) + 1 }
    let body = Array(all.dropFirst(1 + sizes.count))

    var splitter = SSEEventSplitter()
    var events: [[UInt8]] = []
    var offset = 0, turn = 0
    while offset < body.count {
        let size = sizes.isEmpty ? body.count : sizes[turn % sizes.count]
        let end = min(body.count, offset + size)
        events += splitter.feed(body[offset..<end])
        require(splitter.pendingCount <= body.count, "pending \(splitter.pendingCount) > body \(body.count)")
        offset = end
        turn += 1
    }
    let rest = splitter.finish()
    var joined = events.flatMap { $0 }
    if let rest { joined += rest }
    require(joined == body, "events + rest are not the bytes that arrived (\(joined.count) vs \(body.count))")
    for event in events { require(!event.isEmpty && endsWithBlankLine(event), "an event does not end with a blank line: \(event.suffix(8))") }

    var whole = SSEEventSplitter()
    var once = whole.feed(body)
    if let tail = whole.finish() { once.append(tail) }
    var chunked = events
    if let rest { chunked.append(rest) }
    require(once == chunked, "chunking changed the events: \(once.count) whole vs \(chunked.count) chunked")
    return 0
}
