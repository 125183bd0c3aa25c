import MockScopeHTTPTypes

/// Admin routes over the server's data: the request journal, fixtures, settings, reset.
extension AdminAPI {
    func dataRoute(_ request: HTTPRequest, parts: [String]) -> ResponsePlan {
        let rest = parts.dropFirst().joined(separator: "/")
        switch (request.method, parts[0], rest) {
        case ("GET", "requests", ""):
            let filter: JournalFilter
            do { filter = try Self.journalFilter(request) } catch { return self.error(400, error.message) }
            let entries = server.journal.entries(filter)
            let total = server.journal.total
            return json(200) { o in
                o.field("count", .number(Double(entries.count)))
                o.field("total", .number(Double(total)))
                o.field("requests", array: entries.map { entry in { $0.object { describe(entry, &$0) } } })
            }
        case ("GET", "requests", "count"):
            let filter: JournalFilter
            do { filter = try Self.journalFilter(request) } catch { return self.error(400, error.message) }
            let count = server.journal.count(filter)
            return json(200) { o in o.field("count", .number(Double(count))) }
        case ("DELETE", "requests", ""):
            if let id = Self.testID(request) { server.journal.clear(testID: id) } else { server.journal.clear() }
            return json(200) { o in o.field("cleared", .bool(true)) }
        case ("GET", "conduct", ""):
            var filter = JournalFilter()
            filter.testID = Self.testID(request)
            let report = ConductReport(entries: server.journal.entries(filter))
            return ResponsePlan(status: 200, headers: HeaderFields([("content-type", "application/json")]), body: .whole(Array(report.json().utf8)))
        case ("GET", "fixtures", ""):
            let fixtures = server.store.fixtures
            return json(200) { o in
                o.field("count", .number(Double(fixtures.count)))
                o.field("fixtures", array: fixtures.map { fixture in { $0.object { describe(fixture, &$0) } } })
            }
        case ("POST", "fixtures", ""):
            let name = "admin/" + String(ProtocolResponses.newRequestID().prefix(8))
            switch FixtureLoader.parse(request.body, file: "admin", defaultName: name) {
            case .failure(let problem):
                return self.error(400, "\(problem.location): \(problem.message)")
            case .success(let fixture):
                server.addFixture(fixture)
                return json(201) { describe(fixture, &$0) }
            }
        case ("POST", "fixtures", "reload"):
            do {
                let count = try server.reloadFixtures()
                return json(200) { o in o.field("fixtures", .number(Double(count))) }
            } catch {
                return self.error(422, "\(error)")
            }
        case ("GET", "fixtures", let name) where !name.isEmpty:
            guard let fixture = server.store.fixture(named: name) else { return self.error(404, "no fixture named \"\(name)\"") }
            return json(200) { describe(fixture, &$0) }
        case ("DELETE", "fixtures", let name) where !name.isEmpty:
            guard server.removeFixture(named: name) else { return self.error(404, "no fixture named \"\(name)\"") }
            return json(200) { o in o.field("deleted", string: name) }
        case ("GET", "settings", ""):
            return settingsState()
        case ("PUT", "settings", ""), ("PATCH", "settings", ""), ("POST", "settings", ""):
            return changeSettings(request)
        default:
            return self.error(404, "no admin route \(request.method) \(request.path); see docs/admin-api.md")
        }
    }

    func resetEverything() -> ResponsePlan {
        server.journal.clear()
        server.scenarios.resetAll(nowMs: server.clock.nowMs())
        server.rateLimits.reset()
        server.testScopes.removeAll()
        server.moduleStates.reset()
        server.store.positions.reset()
        let initial = server.initialSettings
        server.updateSettings { $0 = initial }
        let count = (try? server.reloadFixtures()) ?? server.store.count
        return json(200) { o in
            o.field("reset", .bool(true))
            o.field("fixtures", .number(Double(count)))
        }
    }

    /// One test's scope back to nothing: its journal entries, scenario progress, rate-limit
    /// windows and sequence positions. The server's own state and other tests' stay.
    func resetTest(_ id: String) -> ResponsePlan {
        server.journal.clear(testID: id)
        server.testScopes.remove(id)
        return json(200) { o in
            o.field("reset", .bool(true))
            o.field("test_id", string: id)
        }
    }

    private func settingsState() -> ResponsePlan {
        let settings = server.settings
        return json(200) { o in
            o.field("speed", .number(settings.speed))
            o.field("unmatched", string: settings.unmatched.rawValue)
            o.field("record", string: settings.record.rawValue)
        }
    }

    private func changeSettings(_ request: HTTPRequest) -> ResponsePlan {
        guard let body = try? JSONValue.parse(request.body), let members = body.objectValue else {
            return error(400, "send a JSON object, e.g. {\"speed\": 0, \"unmatched\": \"synthesize\"}")
        }
        var speed: Double?
        var unmatched: UnmatchedPolicy?
        for (key, value) in members {
            switch key {
            case "speed":
                guard let number = value.numberValue, number >= 0, number.isFinite else { return error(400, "speed must be a number >= 0") }
                speed = number
            case "unmatched":
                guard let text = value.stringValue, let policy = UnmatchedPolicy(rawValue: text) else {
                    return error(400, "unmatched must be one of: \(UnmatchedPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                unmatched = policy
            default:
                return error(400, "unknown setting \"\(key)\"; settable: speed, unmatched")
            }
        }
        server.updateSettings { settings in
            if let speed { settings.speed = speed }
            if let unmatched { settings.unmatched = unmatched }
        }
        return settingsState()
    }

    struct FilterError: Error { var message: String }

    /// The filter of a journal query: its parameters, and its `X-MockScope-Test-Id` when it has no `test_id`.
    static func journalFilter(_ request: HTTPRequest) throws(FilterError) -> JournalFilter {
        var filter = try journalFilter(request.query)
        if filter.testID == nil { filter.testID = RequestHeads(request.headers).testID }
        return filter
    }

    static func journalFilter(_ query: [(name: String, value: String)]) throws(FilterError) -> JournalFilter {
        var filter = JournalFilter()
        for (name, value) in query {
            switch name {
            case "test_id": filter.testID = value.isEmpty ? nil : value
            case "path": filter.path = value
            case "method": filter.method = value
            case "model": filter.model = value
            case "fixture": filter.fixture = value
            case "api_key": filter.apiKey = value
            case "header":
                guard let colon = value.firstIndex(of: ":") else { throw FilterError(message: "header must be Name:value") }
                filter.header = (String(value[..<colon]), value[value.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            case "status":
                guard let status = Int(value) else { throw FilterError(message: "status must be a number") }
                filter.status = status
            case "after":
                guard let after = Int(value) else { throw FilterError(message: "after must be a request number") }
                filter.after = after
            case "limit":
                guard let limit = Int(value), limit > 0 else { throw FilterError(message: "limit must be a positive number") }
                filter.limit = limit
            default:
                throw FilterError(message: "unknown filter \"\(name)\"; use path, method, model, fixture, header, api_key, status, test_id, after, limit")
            }
        }
        return filter
    }

    func describe(_ entry: JournalEntry, _ o: inout JSONWriter.ObjectWriter) {
        o.field("id", .number(Double(entry.id)))
        o.field("time", string: entry.time)
        o.field("clock_ms", .number(entry.clockMs))
        o.field("request_id", string: entry.requestID)
        if let testID = entry.testID { o.field("test_id", string: testID) }
        o.field("method", string: entry.method)
        o.field("path", string: entry.path)
        o.field("query", .object(Dictionary(entry.query.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a })))
        o.field("headers", .object(Dictionary(entry.headers.map { ($0.name.lowercased(), JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a })))
        o.field("body", string: entry.body)
        o.field("model", string: entry.model)
        o.field("stream", .bool(entry.stream))
        o.field("api_key", string: entry.apiKey)
        o.field("fixture", string: entry.fixture)
        if let index = entry.sequenceIndex { o.field("sequence_index", .number(Double(index))) }
        o.field("near_miss", string: entry.nearMiss)
        o.field("synthesized", .bool(entry.synthesized))
        o.field("forwarded", .bool(entry.forwarded))
        if let recording = entry.recording { o.field("recording", string: recording) }
        o.field("error", string: entry.error)
        o.field("faults", .array(entry.faults.map { .string($0) }))
        o.field("scenarios", .array(entry.scenarios.map { .string($0) }))
        o.field("status", .number(Double(entry.status)))
        o.field("bytes_sent", .number(Double(entry.bytesSent)))
        o.field("duration_ms", .number((entry.durationMs * 1000).rounded() / 1000))
        o.field("client_went_away", .bool(entry.clientWentAway))
        o.field("complete", .bool(entry.complete))
    }

    func describe(_ fixture: Fixture, _ o: inout JSONWriter.ObjectWriter) {
        o.field("name", string: fixture.name)
        o.field("origin", string: fixture.origin)
        o.field("description", string: fixture.description)
        o.field("method", string: fixture.request.method)
        o.field("path", string: fixture.request.path)
        o.field("match", string: fixture.request.match.rawValue)
        o.field("status", .number(Double(fixture.response.status)))
        o.field("stream", .bool(fixture.plan.isStream))
    }
}
