import Dispatch
import Foundation
import Logging
import MockScope
import MockScopeHTTPTypes

/// The --synthesize figure (see the top of main.swift): ns per synthesized request, in process.
func synthesizeBenchmark(kinds: [String], requests: Int) {
    var logger = Logger(label: "mockscope")
    logger.logLevel = .warning  // as figure 6's `serve --log-level warning`
    let server = ExchangeHandler(store: FixtureStore([]), settings: MockSettings(speed: 0, unmatched: .synthesize), logger: logger)
    for kind in kinds {
        let body = Array(SynthesisBodies.body(kind).utf8)
        let wire: [(name: String, value: String)] = [("Host", "127.0.0.1:8089"), ("Content-Length", String(body.count)),
                                                     ("Content-Type", "application/json"), ("Authorization", "Bearer bench-key")]
        var answerBytes = 0
        let once = {
            let request = HTTPRequest(method: "POST", path: "/compatible-mode/v1/chat/completions", headers: HeaderFields(wire), body: body)
            let response = server.handle(request)
            guard response.status == 200 else { fatalError("\(kind): the request is not answered 200 but \(response.status)") }
            answerBytes = bodyBytes(response.body)
            server.completed(request, outcome: HTTPOutcome(status: response.status, bytesSent: 0, durationNanos: 1000,
                                                           clientWentAway: false, tag: response.tag))
        }
        for _ in 0..<min(requests, 2_000) { once() }  // warm-up: the journal ring fills
        // Wall time and this thread's CPU time: on the shared machine the wall time also counts
        // the time other processes held the core; the CPU time is what the request cost.
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<5 {
            let start = now(), startCPU = threadCPUNanos()
            for _ in 0..<requests { once() }
            wall.append(Double(now() - start) / Double(requests))
            cpu.append(Double(threadCPUNanos() - startCPU) / Double(requests))
        }
        print(#"{"synthesize":"\#(kind)","cpu_ns":\#(Int(cpu.sorted()[2])),"wall_ns":\#(Int(wall.sorted()[2])),"answer_bytes":\#(answerBytes),"requests":\#(requests),"rounds":5}"#)
    }
}

/// CPU time this thread has used, ns.
func threadCPUNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// The answer's bytes (a stream's chunks summed): read so that nothing rendered goes unused.
func bodyBytes(_ body: HTTPBody) -> Int {
    switch body {
    case .bytes(let bytes): return bytes.count
    case .stream(let chunks, _): return chunks.reduce(0) { $0 + $1.bytes.count }
    case .live, .prepared: fatalError("a synthesized answer is neither live nor prepared")
    }
}
