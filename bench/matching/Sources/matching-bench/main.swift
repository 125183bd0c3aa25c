// Match latency of FixtureStore at several store sizes.
//
//   matching-bench [SIZES...] [--lookups N] [--misses N]      default: 1000 10000 100000, 100000 lookups
//
// For each size: generates that many distinct exact-match fixtures (OpenAI-compatible chat, one
// route, as a recording session produces them), parses them with FixtureLoader.parse, builds the
// store, then times
//   hit        store.match(input) for inputs of random existing fixtures (built beforehand)
//   hit+parse  JSONValue.parse(body) + MatchInput + match: what a request costs the matcher
//   miss       store.match(input) for bodies no fixture has (includes the near-miss report)
// Prints one JSON line per size: ns per lookup (the median of 5 rounds, which alternate between the
// sizes; hit+parse uses a fifth of the lookups, miss --misses lookups, default 200) and the load and
// index times.
//
//   matching-bench --handle [--threads N] [--lookups N]
//   matching-bench --handle-miss [SIZE] [--lookups N] [--log-level warning|info]
//
//   matching-bench --adds [SIZES...]
//
// Store changes: adds SIZE distinct fixtures one at a time through ExchangeHandler.addFixture (what
// the recorder and `POST /__admin/fixtures` do), then removes a tenth of them; prints ms in all and
// µs per add, for each size (default 1000 10000): linear time is the same µs per add at both.
//
// The whole domain side of one replayed request, in process: ExchangeHandler.handle then .completed
// for a repeated request (the decision cache's hit path, journal, metrics), ns per request; the
// CPU MockScope adds to libmicrohttpd's per request, without the network's noise.
//
//   matching-bench --synthesize plain|tools|schema20|stream|all [--lookups N]
//   matching-bench --synthesis-body KIND      prints that request body
//
// Figure 6 in process: ExchangeHandler.handle then .completed with `--unmatched synthesize` and no
// fixtures, for figure 6's request bodies (bench/run's heredoc; the same bytes), ns per request
// (the median of 5 rounds, default 20,000 requests a round). Synthesized answers are never
// memoized: every request parses, validates, synthesizes and renders.
//
// --handle-miss: as --handle, for figure 7's miss, as served: SIZE generated fixtures (default
// 10,000), the last one's request with another question (close to it, equal to none), answered
// 400 with its near-miss report, the journal entry and the log (to /dev/null through the CLI's
// buffered writer; `--log-level info` adds the line per request, as `serve`'s defaults do).
// Each request's body differs (its question names the request's number): nothing can be reused.
import Foundation
import Logging
import MockScope
import MockScopeHTTPTypes

@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func requestBody(_ i: Int, miss: Bool = false) -> String {
    let question = miss ? "Question number \(i): what is \(i) minus \(i)?" : "Question number \(i): what is \(i) plus \(i)?"
    return #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"\#(question)"}],"temperature":0.7}"#
}

func fixtureJSON(_ i: Int) -> String {
    let body = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Question number \#(i): what is \#(i) plus \#(i)?"}]}"#
    let answer = #"{"id":"chatcmpl-bench-\#(i)","object":"chat.completion","model":"qwen-plus","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"\#(i) plus \#(i) is \#(2 * i)."}}],"usage":{"prompt_tokens":22,"completion_tokens":8,"total_tokens":30}}"#
    return #"{"mockscope":1,"name":"bench/q\#(i)","request":{"method":"POST","path":"/compatible-mode/v1/chat/completions","body":\#(body)},"response":{"status":200,"headers":{"content-type":"application/json"},"json":\#(answer)}}"#
}

let path = "/compatible-mode/v1/chat/completions"
let headers: [(name: String, value: String)] = [("content-type", "application/json"), ("authorization", "Bearer bench")]

func input(_ text: String) -> MatchInput {
    MatchInput(method: "POST", path: path, headers: headers, body: try! JSONValue.parse(Array(text.utf8)))
}

var sizes: [Int] = []
var lookups = 100_000
var misses = 200
var handleMode = false
var synthesizeKinds: [String] = []
var handleMissMode = false
var logLevel = Logger.Level.warning
var addsMode = false
var threads = 1
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--lookups": lookups = Int(arguments.removeFirst())!
    case "--misses": misses = Int(arguments.removeFirst())!
    case "--handle": handleMode = true
    case "--synthesis-body":  // prints figure 6's body of that kind (to check it against bench/run's)
        print(SynthesisBodies.body(arguments.removeFirst()), terminator: "")
        exit(0)
    case "--synthesize":
        let kind = arguments.removeFirst()
        synthesizeKinds = kind == "all" ? SynthesisBodies.kinds : [kind]
    case "--handle-miss": handleMissMode = true
    case "--log-level": logLevel = Logger.Level(rawValue: arguments.removeFirst())!
    case "--adds": addsMode = true
    case "--threads": threads = Int(arguments.removeFirst())!
    default: sizes.append(Int(argument)!)
    }
}
if sizes.isEmpty { sizes = addsMode ? [1_000, 10_000] : handleMissMode ? [10_000] : [1_000, 10_000, 100_000] }

/// The --adds figure (see the top of this file).
func addsBenchmark(sizes: [Int]) {
    for size in sizes {
        let fixtures = (0..<size).map { i -> Fixture in
            guard case .success(let fixture) = FixtureLoader.parse(Array(fixtureJSON(i).utf8), file: "bench-\(i).json", defaultName: "bench/q\(i)")
            else { fatalError("generated fixture does not load") }
            return fixture
        }
        let server = ExchangeHandler(store: FixtureStore([]), settings: MockSettings(speed: 0))
        let start = now()
        for fixture in fixtures { server.addFixture(fixture) }
        let added = now()
        for i in stride(from: 0, to: size, by: 10) { _ = server.removeFixture(named: "bench/q\(i)") }
        let removed = now()
        guard server.store.count == size - (size + 9) / 10, case .matched = server.store.match(input(requestBody(1))) else {
            fatalError("the store lost fixtures")
        }
        let addMs = Double(added - start) / 1e6, removeMs = Double(removed - added) / 1e6
        print(#"{"adds":\#(size),"add_ms":\#(Int(addMs)),"us_per_add":\#((addMs * 1000 / Double(size) * 10).rounded() / 10),"removes":\#((size + 9) / 10),"us_per_remove":\#((removeMs * 1000 / Double((size + 9) / 10) * 10).rounded() / 10)}"#)
    }
}

if addsMode {
    addsBenchmark(sizes: sizes)
    exit(0)
}

/// The --handle figure (see the top of this file).
func handleBenchmark(lookups: Int, threads: Int) {
    // One fixture, the request wrk sends in figure 1 (same headers), answered again and again.
    guard case .success(let fixture) = FixtureLoader.parse(Array(fixtureJSON(1).utf8), file: "bench-1.json", defaultName: "bench/q1") else {
        fatalError("generated fixture does not load")
    }
    var logger = Logger(label: "mockscope")
    logger.logLevel = .warning  // as `serve --log-level warning` in figure 1: no line per request
    let server = ExchangeHandler(store: FixtureStore([fixture]), settings: MockSettings(speed: 0), logger: logger)
    let body = Array(requestBody(1).utf8)
    let wire: [(name: String, value: String)] = [("Host", "127.0.0.1:8089"), ("Content-Length", String(body.count)),
                                                 ("Content-Type", "application/json"), ("Authorization", "Bearer bench-key")]
    let once: @Sendable () -> Void = {
        let request = HTTPRequest(method: "POST", path: "/compatible-mode/v1/chat/completions", headers: HeaderFields(wire), body: body)
        let response = server.handle(request)
        guard response.status == 200 else { fatalError("the request does not hit: \(response.status)") }
        server.completed(request, outcome: HTTPOutcome(status: response.status, bytesSent: 0, durationNanos: 1000,
                                                       clientWentAway: false, tag: response.tag))
    }
    for _ in 0..<1000 { once() }  // the cache learns, the journal ring fills
    // With --threads N, N threads at once (libmicrohttpd runs 2): ns of one thread per request,
    // shared locks and cache lines included.
    var results: [Double] = []
    for _ in 0..<5 {
        let start = now()
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<lookups { once() }
        }
        results.append(Double(now() - start) / Double(lookups))
    }
    print(#"{"handle_ns":\#(Int(results.sorted()[2])),"threads":\#(threads),"requests":\#(lookups),"rounds":5}"#)
}

if handleMode {
    handleBenchmark(lookups: lookups, threads: threads)
    exit(0)
}

if !synthesizeKinds.isEmpty {
    synthesizeBenchmark(kinds: synthesizeKinds, requests: CommandLine.arguments.contains("--lookups") ? lookups : 20_000)
    exit(0)
}

/// The --handle-miss figure (see the top of this file).
func handleMissBenchmark(size: Int, lookups: Int, level: Logger.Level) {
    let fixtures = (0..<size).map { i -> Fixture in
        guard case .success(let fixture) = FixtureLoader.parse(Array(fixtureJSON(i).utf8), file: "bench-\(i).json", defaultName: "bench/q\(i)")
        else { fatalError("generated fixture does not load") }
        return fixture
    }
    let writer = BufferedLogWriter(fd: open("/dev/null", O_WRONLY))
    defer { writer.close() }
    var logger = Logger(label: "mockscope") { label in BufferedLogHandler(label: label, writer: writer, level: level) }
    logger.logLevel = level
    let server = ExchangeHandler(store: FixtureStore(fixtures), settings: MockSettings(speed: 0), logger: logger, logWriter: writer)
    let last = size - 1
    func once(_ k: Int) {
        // The last fixture's request with another question, numbered per request.
        let question = "Question number \(last): what is \(last) times \(k)?"
        let body = Array(#"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"\#(question)"}]}"#.utf8)
        let wire: [(name: String, value: String)] = [("Host", "127.0.0.1:8089"), ("Content-Length", String(body.count)),
                                                     ("Content-Type", "application/json"), ("Authorization", "Bearer bench-key")]
        let request = HTTPRequest(method: "POST", path: path, headers: HeaderFields(wire), body: body)
        let response = server.handle(request)
        guard response.status == 400 else { fatalError("the request does not miss: \(response.status)") }
        server.completed(request, outcome: HTTPOutcome(status: response.status, bytesSent: 0, durationNanos: 1000,
                                                       clientWentAway: false, tag: response.tag))
    }
    for k in 0..<1000 { once(k) }  // the journal ring fills
    var results: [Double] = []
    for round in 0..<5 {
        let start = now()
        for k in 0..<lookups { once(1000 + round * lookups + k) }
        results.append(Double(now() - start) / Double(lookups))
    }
    print(#"{"handle_miss_ns":\#(Int(results.sorted()[2])),"fixtures":\#(size),"log_level":"\#(level)","requests":\#(lookups),"rounds":5}"#)
}

if handleMissMode {
    handleMissBenchmark(size: sizes[0], lookups: lookups == 100_000 ? 2_000 : lookups, level: logLevel)
    exit(0)
}

/// One store under test and its prepared inputs.
struct Subject {
    let size: Int
    let store: FixtureStore
    let hitInputs: [MatchInput]
    let hitBytes: [[UInt8]]
    let missInputs: [MatchInput]
    let parseMs: Int
    let indexMs: Int
}

var generator = SystemRandomNumberGenerator()
var subjects: [Subject] = []
for size in sizes {
    var fixtures: [Fixture] = []
    fixtures.reserveCapacity(size)
    let parseStart = now()
    for i in 0..<size {
        switch FixtureLoader.parse(Array(fixtureJSON(i).utf8), file: "bench-\(i).json", defaultName: "bench/q\(i)") {
        case .success(let fixture): fixtures.append(fixture)
        case .failure(let problem): fatalError("generated fixture does not load: \(problem)")
        }
    }
    let buildStart = now()
    let store = FixtureStore(fixtures)
    let built = now()

    // Inputs: a pool of random existing keys (distinct inputs, so lookups walk the whole index).
    let pool = min(lookups, 20_000)
    let hitBodies = (0..<pool).map { _ in requestBody(Int.random(in: 0..<size, using: &generator)) }
    let hitInputs = hitBodies.map(input)
    let missInputs = (0..<misses).map { _ in input(requestBody(Int.random(in: 0..<size, using: &generator), miss: true)) }

    // Check once that hits hit and misses miss.
    guard case .matched = store.match(hitInputs[0]), case .missed = store.match(missInputs[0]) else {
        fatalError("the store does not answer as expected")
    }
    subjects.append(Subject(size: size, store: store, hitInputs: hitInputs, hitBytes: hitBodies.map { Array($0.utf8) },
                            missInputs: missInputs, parseMs: Int(Double(buildStart - parseStart) / 1e6),
                            indexMs: Int(Double(built - buildStart) / 1e6)))
}

// Rounds alternate between the sizes (1k, 10k, 100k, 1k, ...), so that a ratio between sizes
// compares neighbours in time: this machine's speed drifts by 15 % from one minute to the next.
// Each figure is the median of its rounds.
func timed(_ count: Int, _ body: (Int) -> Void) -> Double {
    let start = now()
    for k in 0..<count { body(k) }
    return Double(now() - start) / Double(count)
}
let roundCount = 5
var hits = [[Double]](repeating: [], count: subjects.count)
var hitParses = hits, missTimes = hits
for _ in 0..<roundCount {
    for (index, subject) in subjects.enumerated() {
        let pool = subject.hitInputs.count
        hits[index].append(timed(lookups) { k in blackHole(subject.store.match(subject.hitInputs[k % pool])) })
        hitParses[index].append(timed(max(1, lookups / 5)) { k in
            let body = try? JSONValue.parse(subject.hitBytes[k % pool])
            blackHole(subject.store.match(MatchInput(method: "POST", path: path, headers: headers, body: body)))
        })
        missTimes[index].append(timed(subject.missInputs.count) { k in blackHole(subject.store.match(subject.missInputs[k])) })
    }
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
for (index, subject) in subjects.enumerated() {
    print(#"{"fixtures":\#(subject.size),"hit_ns":\#(Int(median(hits[index]))),"hit_parse_ns":\#(Int(median(hitParses[index]))),"miss_ns":\#(Int(median(missTimes[index]))),"lookups":\#(lookups),"misses":\#(subject.missInputs.count),"rounds":\#(roundCount),"parse_ms":\#(subject.parseMs),"index_ms":\#(subject.indexMs)}"#)
}
fflush(nil)
