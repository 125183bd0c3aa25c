import Foundation
@testable import MockScope
import MockScopeHTTPTypes
import MockScopeTesting
import Testing

// Asynchronous tasks, the generated PNG, multipart bodies and the task_outcome fault, over a
// real socket (TestServer on port 0, a virtual clock) and at the unit level.

@Suite struct AsyncTaskTests {
    private static let auth = [("Authorization", "Bearer sk-tasks"), ("Content-Type", "application/json")]

    private func server(_ timings: TaskTimings = TaskTimings(pendingMs: 500, runningMs: 1500)) throws -> TestServer {
        var settings = MockSettings(speed: 0, unmatched: .synthesize)
        settings.taskTimings = timings
        return try TestServer(settings: settings, clock: .virtual)
    }

    private func json(_ response: RawHTTP.Response) throws -> JSONValue { try JSONValue.parse(response.body) }

    private func create(_ server: TestServer, size: String = "40*30") throws -> String {
        let created = try RawHTTP.exchange(port: server.port, "POST", ImageSynthesisModule.textToImagePath,
                                           headers: Self.auth + [("X-DashScope-Async", "enable")],
                                           body: #"{"model":"wanx-v1","input":{"prompt":"a red kite"},"parameters":{"size":"\#(size)"}}"#,
                                           host: "127.0.0.1:\(server.port)")
        #expect(created.status == 200)
        #expect(try json(created)["output"]?["task_status"]?.stringValue == "PENDING")
        return try #require(try json(created)["output"]?["task_id"]?.stringValue)
    }

    private func status(_ server: TestServer, _ id: String, headers: [(String, String)] = []) throws -> String? {
        try json(RawHTTP.exchange(port: server.port, "GET", TasksModule.path + "/" + id, headers: Self.auth + headers))["output"]?["task_status"]?.stringValue
    }

    @Test func aTaskMovesThroughItsStatusesOnTheVirtualClock() throws {
        let server = try server()
        let id = try create(server)
        #expect(try status(server, id) == "PENDING")
        server.advanceClock(ms: 499)
        #expect(try status(server, id) == "PENDING")
        server.advanceClock(ms: 1)
        #expect(try status(server, id) == "RUNNING")
        server.advanceClock(ms: 1500)
        let done = try json(RawHTTP.exchange(port: server.port, "GET", TasksModule.path + "/" + id, headers: Self.auth))
        #expect(done["output"]?["task_status"]?.stringValue == "SUCCEEDED")
        #expect(done["output"]?["submit_time"]?.stringValue == "2025-01-01 00:00:00.000")
        #expect(done["output"]?["end_time"]?.stringValue == "2025-01-01 00:00:02.000")
        let url = try #require(done["output"]?["results"]?.arrayValue?.first?["url"]?.stringValue)
        #expect(url.hasPrefix("http://127.0.0.1:\(server.port)/mockscope/images/"))
        // The image asks for no key.
        let path = String(url.dropFirst("http://127.0.0.1:\(server.port)".count))
        let image = try RawHTTP.exchange(port: server.port, "GET", path)
        #expect(image.status == 200)
        #expect(image.header("content-type") == "image/png")
        try #require(image.body.count > 24)
        #expect(Array(image.body[16..<24]) == [0, 0, 0, 40, 0, 0, 0, 30])  // IHDR width 40, height 30
    }

    @Test func theSameRequestsGiveTheSameTaskIDsAfterAReset() throws {
        let server = try server()
        let first = try create(server)
        let second = try create(server)
        #expect(first != second)
        #expect(try RawHTTP.exchange(port: server.port, "POST", "/__admin/reset").status == 200)
        #expect(try create(server) == first)
    }

    @Test func theOutcomeFaultReplacesOnlyTheSuccess() throws {
        let server = try server(TaskTimings(pendingMs: 10, runningMs: 10))
        let id = try create(server)
        let fault = [("X-MockScope-Fault", "task_outcome status=CANCELED")]
        #expect(try status(server, id, headers: fault) == "PENDING")
        server.advanceClock(ms: 20)
        #expect(try status(server, id, headers: fault) == "CANCELED")
        #expect(try status(server, id, headers: [("X-MockScope-Fault", "task_outcome status=UNKNOWN")]) == "UNKNOWN")
        #expect(try status(server, id) == "SUCCEEDED")
    }

    @Test func theOutcomeFaultSpecReadsBackAndRefusesOtherStatuses() throws {
        let fault = try FaultRegistry.parse(#"task_outcome status=FAILED message="no luck" immediately=true"#)
        #expect(fault.map(\.description) == [#"task_outcome status=FAILED message="no luck" immediately=true"#])
        #expect(throws: FaultSpecError.self) { try FaultRegistry.parse("task_outcome status=SUCCEEDED") }
        #expect(throws: FaultSpecError.self) { try FaultRegistry.parse("task_outcome") }
    }

    @Test func theAsyncSwitchIsRefusedOnTextGenerationEvenWhenTheRequestWasRemembered() throws {
        let body = #"{"model":"qwen-plus","input":{"prompt":"remembered"}}"#
        let fixture = Fixture(name: "remembered", origin: "test",
                              request: RequestPattern(method: "POST", path: NativeGenerationModule.textPath, body: try JSONValue.parse(body)),
                              response: RecordedResponse(status: 200, headers: HeaderFields(), body: .whole(Array(#"{"output":{}}"#.utf8))))
        let server = try TestServer(settings: MockSettings(speed: 0), extraFixtures: [fixture])
        for _ in 0..<3 {  // the decision memo now holds it
            #expect(try RawHTTP.exchange(port: server.port, "POST", NativeGenerationModule.textPath, headers: Self.auth, body: body).status == 200)
        }
        let refused = try RawHTTP.exchange(port: server.port, "POST", NativeGenerationModule.textPath,
                                           headers: Self.auth + [("X-DashScope-Async", "enable")], body: body)
        #expect(refused.status == 403)
        #expect(try json(refused)["message"]?.stringValue == "Current user api does not support asynchronous calls.")
    }

    @Test func taskPathsTakeTheirMethodsOnly() throws {
        let server = try server()
        let wrong = try RawHTTP.exchange(port: server.port, "POST", TasksModule.path + "/abc", headers: Self.auth, body: "{}")
        #expect(wrong.status == 400)
        #expect(try json(wrong)["code"]?.stringValue == "InvalidParameter")
        #expect(try RawHTTP.exchange(port: server.port, "GET", TasksModule.path + "/abc/cancel", headers: Self.auth).status == 400)
    }
}

@Suite struct PNGEncoderTests {
    @Test func checksumsMatchTheirStandards() {
        #expect(PNGEncoder.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(PNGEncoder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        // Long runs of 0xFF: the sums' modulo is taken in time.
        let long = [UInt8](repeating: 0xFF, count: 100_000)
        #expect(PNGEncoder.adler32(long) == Self.referenceAdler(long))
    }

    /// Adler-32 the slow way (a modulo per byte).
    static func referenceAdler(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return b << 16 | a
    }

    @Test func storedBlocksSplitAtTheirLimitAndReassemble() {
        let data = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let stream = PNGEncoder.zlibStored(data)
        #expect(Array(stream[0..<2]) == [0x78, 0x01])
        var offset = 2, blocks = 0, joined: [UInt8] = []
        while true {
            let final = stream[offset] & 1 == 1
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            let complement = Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8
            #expect(length ^ complement == 0xFFFF)
            joined += stream[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            blocks += 1
            if final { break }
        }
        #expect(blocks == 3)
        #expect(joined == data)
        let adler = stream[offset...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(adler == Self.referenceAdler(data))
    }

    @Test func theSameSeedDrawsTheSameImage() {
        let one = GeneratedImageModule.image(seed: "t/0", width: 5, height: 4)
        #expect(one == GeneratedImageModule.image(seed: "t/0", width: 5, height: 4))
        #expect(one != GeneratedImageModule.image(seed: "t/1", width: 5, height: 4))
        #expect(Array(one[0..<8]) == PNGEncoder.signature)
        #expect(GeneratedImageModule.parse("t/0/5x4.png")?.width == 5)
        #expect(GeneratedImageModule.parse("t/0/5x4000.png") == nil)
        #expect(GeneratedImageModule.parse("5x4.png") == nil)
    }
}

@Suite struct MultipartBodyTests {
    private func body(_ boundary: String, file: String = "a,b\n") -> [UInt8] {
        Array(("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n"
            + "--\(boundary)--\r\n").utf8)
    }

    @Test func partsAreReadAndProjectedWithoutTheBoundary() throws {
        let parsed = try MultipartBody.parse(body("one"), expectedBoundary: "one").get()
        #expect(parsed.parts.map(\.name) == ["purpose", "file"])
        #expect(parsed.part("file")?.filename == "x.csv")
        #expect(parsed.part("file")?.contentType == "text/csv")
        #expect(parsed.part("file")?.text == "a,b\n")
        let other = try MultipartBody.parse(body("another-boundary")).get()
        #expect(parsed.projection == other.projection)
        #expect(parsed.projection != (try MultipartBody.parse(body("one", file: "c")).get()).projection)
    }

    @Test func malformedBodiesSayWhatIsWrong() {
        #expect(MultipartBody.boundary(contentType: "multipart/form-data; boundary=\"q z\"") == "q z")
        #expect(MultipartBody.boundary(contentType: "application/json") == nil)
        let cases: [[UInt8]] = [Array("no boundary".utf8), Array("--b\r\nname: x\r\n\r\nbody".utf8),
                                Array("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--".utf8)]
        for bytes in cases {
            guard case .failure = MultipartBody.parse(bytes) else { Issue.record("parsed \(String(decoding: bytes, as: UTF8.self))"); continue }
        }
        guard case .failure(let mismatch) = MultipartBody.parse(body("one"), expectedBoundary: "two") else { Issue.record("boundary mismatch accepted"); return }
        #expect(mismatch.reason.contains("boundary"))
    }
}

@Suite struct MockTimeTests {
    @Test func stampsCountFromTheEpoch() {
        #expect(MockTime.taskStamp(0) == "2025-01-01 00:00:00.000")
        #expect(MockTime.taskStamp(59 * 86_400_000 + 3_723_004) == "2025-03-01 01:02:03.004")
        #expect(MockTime.compactStamp(365 * 86_400_000) == "20260101000000")
        #expect(MockTime.unixSeconds(1500) == 1_735_689_601)
    }
}
