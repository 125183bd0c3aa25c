import MockScopeHTTPTypes

/// MockScope's own routes under `/__admin/` (JSON). The admin-API issue builds on these.
struct AdminAPI {
    let server: ExchangeHandler

    func handle(_ request: HTTPRequest, requestID: String) -> ResponsePlan {
        // Health is open to probes (load balancers, readiness checks); everything else needs the token.
        let isHealth = request.method == "GET" && request.path == "/__admin/health"
        if let token = server.settings.adminToken, !isHealth, !Self.carries(token, request.headers) {
            return error(401, "the admin API needs the admin token: send Authorization: Bearer <token> or X-MockScope-Admin-Token")
        }
        // Without a token, loopback is the only guard: refuse what a web page could send.
        if server.settings.adminToken == nil, !isHealth, let refusal = Self.browserRefusal(request.headers) {
            return error(403, refusal)
        }
        if request.bodyTooLarge {
            return error(413, "the request body is larger than the server's limit (--max-body-bytes)")
        }
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).dropFirst().map(String.init)
        if parts.first == "requests" || parts.first == "fixtures" || parts.first == "settings" || parts.first == "conduct" {
            return dataRoute(request, parts: parts)
        }
        // Routes of the form scenarios/{name}[/{action}].
        if parts.count >= 2, parts[0] == "scenarios", parts[1] != "reset" || parts.count > 2 {
            return scenarioRoute(request.method, name: parts[1], action: parts.count == 3 ? parts[2] : nil, extra: parts.count > 3,
                                 testID: Self.testID(request))
        }
        switch (request.method, parts.joined(separator: "/")) {
        case ("GET", "status"), ("GET", "health"):
            return json(200) { o in
                o.field("status", string: "ok")
                o.field("activeStreams", .number(Double(server.activeStreamCount)))
                // Other requests in flight (waits, hangs) besides this status request itself.
                o.field("openRequests", .number(Double(max(0, server.openRequestCount - 1))))
                o.field("fixtures", .number(Double(server.store.count)))
                o.field("scenarios", .number(Double(server.scenarios.all.count)))
            }
        case ("GET", "scenarios"):
            let scope = Self.testID(request).map(viewScope)
            let all = scope.map { scope in server.scenarios.all.compactMap { server.scenarios.status($0.scenario.name, scope: scope) } }
                ?? server.scenarios.all
            return json(200) { o in o.field("scenarios", array: all.map { status in { $0.object { describe(status, &$0) } } }) }
        case ("POST", "scenarios"):
            return createScenario(request)
        case ("POST", "scenarios/reset"):
            server.scenarios.resetAll(nowMs: server.clock.nowMs())
            return json(200) { o in o.field("reset", .bool(true)) }
        case ("GET", "metrics"):
            let text = server.metrics.exposition(activeStreams: server.activeStreamCount, openRequests: max(0, server.openRequestCount - 1))
            return ResponsePlan(status: 200, headers: HeaderFields([("content-type", "text/plain; version=0.0.4; charset=utf-8")]), body: .whole(text))
        case ("GET", "clock"):
            return clockState()
        case ("POST", "clock"):
            guard let body = try? JSONValue.parse(request.body), let advance = body["advance_ms"]?.numberValue, advance.isFinite,
                  advance >= 0, advance <= MockClock.maxAdvanceMs else {
                return error(400, "send {\"advance_ms\": N} with N from 0 to \(Int(MockClock.maxAdvanceMs)) (ten years) per call")
            }
            guard server.clock.advance(ms: advance) else {
                return error(409, "the clock is real; start the server with --clock virtual to move it")
            }
            return clockState()
        case ("POST", "reset"):
            if let id = Self.testID(request) { return resetTest(id) }
            return resetEverything()
        default:
            return error(404, "no admin route \(request.method) \(request.path); see docs/admin-api.md")
        }
    }

    private func scenarioRoute(_ method: String, name: String, action: String?, extra: Bool, testID: String?) -> ResponsePlan {
        switch (method, action) {
        case _ where extra:
            return error(404, "no admin route below /__admin/scenarios/\(name)")
        case ("GET", nil):
            let status = testID.map { server.scenarios.status(name, scope: viewScope($0)) } ?? server.scenarios.status(name)
            guard let status else { return noScenario(name) }
            return json(200) { describe(status, &$0) }
        case ("POST", "reset"?) where testID != nil:
            // One test's progress only: the scenario and the other tests' progress stay.
            let scope = viewScope(testID!)
            scope.resetProgress(of: name)
            guard let status = server.scenarios.status(name, scope: scope) else { return noScenario(name) }
            return json(200) { describe(status, &$0) }
        case ("DELETE", nil):
            guard server.scenarios.remove(name) else { return noScenario(name) }
            return json(200) { o in o.field("deleted", string: name) }
        case ("POST", "activate"?), ("POST", "deactivate"?), ("POST", "reset"?):
            let now = server.clock.nowMs()
            let found = action == "reset" ? server.scenarios.reset(name, nowMs: now)
                : server.scenarios.setActive(name, action == "activate", nowMs: now)
            guard found, let status = server.scenarios.status(name) else { return noScenario(name) }
            return json(200) { describe(status, &$0) }
        default:
            return error(404, "no admin route \(method) /__admin/scenarios/\(name)\(action.map { "/" + $0 } ?? ""); see docs/admin-api.md")
        }
    }

    private func createScenario(_ request: HTTPRequest) -> ResponsePlan {
        guard let body = try? JSONValue.parse(request.body), var members = body.objectValue else {
            return error(400, "send the scenario as a JSON object (the YAML fields: name, description, match, seed, steps)")
        }
        var active = true
        if let flag = members.removeValue(forKey: "active") {
            guard let value = flag.boolValue else { return error(400, "$.active must be true or false") }
            active = value
        }
        switch ScenarioLoader.parse(json: .object(members)) {
        case .failure(let problem):
            return error(400, "\(problem.location): \(problem.message)")
        case .success(let scenario):
            server.scenarios.add(scenario, active: active, nowMs: server.clock.nowMs())
            guard let status = server.scenarios.status(scenario.name) else { return error(500, "scenario vanished") }
            return json(201) { describe(status, &$0) }
        }
    }

    private func clockState() -> ResponsePlan {
        json(200) { o in
            o.field("mode", string: server.clock.mode.rawValue)
            o.field("now_ms", .number(server.clock.nowMs()))
        }
    }

    private func describe(_ status: ScenarioEngine.Status, _ o: inout JSONWriter.ObjectWriter) {
        let scenario = status.scenario
        o.field("name", string: scenario.name)
        o.field("description", string: scenario.description)
        o.field("active", .bool(status.active))
        o.field("matched", .number(Double(status.matched)))
        o.field("origin", string: scenario.origin)
        // Written as an integer: a Double would lose a large seed's low digits.
        if let seed = scenario.seed { o.rawField("seed", String(seed)) }
        o.field("match", object: { m in
            let selector = scenario.selector
            if let path = selector.path { m.field("path", string: path) }
            if let model = selector.model { m.field("model", string: model) }
            if let fixture = selector.fixture { m.field("fixture", string: fixture) }
            if let key = selector.apiKey { m.field("api_key", string: key) }
            if !selector.headers.isEmpty {
                m.field("headers", .object(Dictionary(selector.headers.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a })))
            }
        })
        o.field("steps", array: scenario.steps.map { step in { w in
            w.object { s in
                s.field("faults", .array(step.faults.map { .string($0.description) }))
                if let times = step.times { s.field("times", .number(Double(times))) }
                if let every = step.every { s.field("every", .number(Double(every))) }
                if let chance = step.chance { s.field("chance", .number(chance)) }
                if let from = step.fromMs { s.field("from_ms", .number(from)) }
                if let until = step.untilMs { s.field("until_ms", .number(until)) }
            }
        } })
    }

    private func noScenario(_ name: String) -> ResponsePlan {
        let known = server.scenarios.all.map(\.scenario.name).joined(separator: ", ")
        return error(404, "no scenario named \"\(name)\"; loaded: \(known.isEmpty ? "none" : known)")
    }

    /// The test an admin query is about: its `test_id` parameter, else its `X-MockScope-Test-Id`.
    static func testID(_ request: HTTPRequest) -> String? {
        if let given = request.query.last(where: { $0.name == "test_id" })?.value, !given.isEmpty { return given }
        return RequestHeads(request.headers).testID
    }

    /// The scope of a test as the admin API reads it (`TestScopeTable.view`).
    func viewScope(_ id: String) -> TestScope { server.testScopes.view(id, nowMs: server.clock.nowMs()) }

    /// What a web page could send, refused without a token (a token is proof enough): see `BrowserGuard`.
    static func browserRefusal(_ headers: HeaderFields) -> String? {
        BrowserGuard.refusal(host: headers["host"], origin: headers["origin"], fetchSite: headers["sec-fetch-site"],
                             what: "admin requests", hostMustBeLoopback: true,
                             remedy: "call it by one of those, or serve with --admin-token")
    }

    static func isLoopback(host: String) -> Bool { BrowserGuard.isLoopback(host: host) }

    /// Whether the request carries the admin token (either header), compared in constant time.
    /// An empty token never matches (the runtime refuses one at start as well).
    static func carries(_ token: String, _ headers: HeaderFields) -> Bool {
        let inHeader = sameToken(headers["x-mockscope-admin-token"], token)
        let asBearer = sameToken(BearerKey.parse(headers), token)
        return inHeader || asBearer
    }

    /// Compares every byte whatever differs, so the time taken says nothing about how much of
    /// `given` is right (only about `given`'s own length, which the client knows).
    static func sameToken(_ given: String?, _ token: String) -> Bool {
        let expected = Array(token.utf8)
        guard let given, !expected.isEmpty else { return false }
        var difference = UInt(bitPattern: given.utf8.count ^ expected.count)
        var index = 0
        for byte in given.utf8 {
            difference |= UInt(byte ^ expected[index % expected.count])
            index &+= 1
        }
        return difference == 0
    }

    func json(_ status: Int, _ body: (inout JSONWriter.ObjectWriter) -> Void) -> ResponsePlan {
        var writer = JSONWriter()
        writer.object(body)
        return ResponsePlan(status: status, headers: HeaderFields([("content-type", "application/json")]), body: .whole(Array(writer.text.utf8)))
    }

    func error(_ status: Int, _ message: String) -> ResponsePlan {
        json(status) { o in o.field("error", string: message) }
    }
}
