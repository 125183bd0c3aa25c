import Foundation
@testable import MockScope
import MockScopeHTTPTypes
import MockScopeTesting
import Testing

// Video synthesis as a task over a real socket (TestServer on port 0, a virtual clock), and the
// generated MP4's box layout at the unit level.

@Suite struct VideoTaskTests {
    private static let auth = [("Authorization", "Bearer sk-video"), ("Content-Type", "application/json")]
    private static let body = #"{"model":"wan2.1-t2v-turbo","input":{"prompt":"a paper boat","extend_prompt":true},"parameters":{"size":"640*360","duration":4}}"#

    private func server() throws -> TestServer {
        var settings = MockSettings(speed: 0, unmatched: .synthesize)
        settings.taskTimings = TaskTimings(pendingMs: 100, runningMs: 300)
        return try TestServer(settings: settings, clock: .virtual)
    }

    private func json(_ response: RawHTTP.Response) throws -> JSONValue { try JSONValue.parse(response.body) }

    @Test func aVideoTaskEndsWithAnMP4ServedByMockScope() throws {
        let server = try server()
        let refused = try RawHTTP.exchange(port: server.port, "POST", VideoSynthesisModule.path, headers: Self.auth, body: Self.body)
        #expect(refused.status == 403)
        #expect(try json(refused)["code"]?.stringValue == "AccessDenied")

        let created = try RawHTTP.exchange(port: server.port, "POST", VideoSynthesisModule.path,
                                           headers: Self.auth + [("X-DashScope-Async", "enable")], body: Self.body,
                                           host: "127.0.0.1:\(server.port)")
        #expect(created.status == 200)
        let id = try #require(try json(created)["output"]?["task_id"]?.stringValue)
        server.advanceClock(ms: 400)
        let done = try json(RawHTTP.exchange(port: server.port, "GET", TasksModule.path + "/" + id, headers: Self.auth))
        #expect(done["output"]?["task_status"]?.stringValue == "SUCCEEDED")
        #expect(done["usage"]?["duration"]?.numberValue == 4)
        #expect(done["usage"]?["size"]?.stringValue == "640*360")
        #expect(done["usage"]?["SR"]?.stringValue == "480")
        let url = try #require(done["output"]?["video_url"]?.stringValue)
        let origin = "http://127.0.0.1:\(server.port)"
        #expect(url == origin + GeneratedVideoModule.path(seed: id, width: 640, height: 360, seconds: 4))
        let video = try RawHTTP.exchange(port: server.port, "GET", String(url.dropFirst(origin.count)))  // no key
        #expect(video.status == 200)
        #expect(video.header("content-type") == "video/mp4")
        #expect(video.body == EmptyMP4.bytes(width: 640, height: 360, seconds: 4, framesPerSecond: GeneratedVideoModule.framesPerSecond))
    }

    @Test func theMP4BoxesNestAndStateTheSizeAndLength() throws {
        let bytes = EmptyMP4.bytes(width: 1280, height: 720, seconds: 5, framesPerSecond: 24)
        func boxes(_ range: Range<Int>) -> [(type: String, payload: Range<Int>)] {
            var found: [(String, Range<Int>)] = []
            var offset = range.lowerBound
            while offset < range.upperBound {
                let size = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
                let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
                #expect(size >= 8 && offset + size <= range.upperBound, "box \(type) overruns its parent")
                found.append((type, (offset + 8)..<(offset + size)))
                offset += max(size, 8)
            }
            #expect(offset == range.upperBound)
            return found
        }
        func u32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let top = boxes(0..<bytes.count)
        #expect(top.map(\.type) == ["ftyp", "moov"])
        #expect(String(decoding: bytes[top[0].payload.prefix(4)], as: UTF8.self) == "isom")
        let moov = boxes(top[1].payload)
        #expect(moov.map(\.type) == ["mvhd", "trak"])
        #expect(u32(moov[0].payload.lowerBound + 12) == 1000 && u32(moov[0].payload.lowerBound + 16) == 5000)
        let trak = boxes(moov[1].payload)
        #expect(trak.map(\.type) == ["tkhd", "mdia"])
        #expect(u32(trak[0].payload.lowerBound + 76) == 1280 << 16 && u32(trak[0].payload.lowerBound + 80) == 720 << 16)
        let mdia = boxes(trak[1].payload)
        #expect(mdia.map(\.type) == ["mdhd", "hdlr", "minf"])
        let minf = boxes(mdia[2].payload)
        #expect(minf.map(\.type) == ["vmhd", "dinf", "stbl"])
        #expect(boxes(minf[2].payload).map(\.type) == ["stsd", "stts", "stsc", "stsz", "stco"])
    }

    @Test func videoPathsAndOrdersAreReadOrRefused() throws {
        let parsed = try #require(GeneratedVideoModule.parse("seed/1280x720-5s.mp4"))
        #expect(parsed.width == 1280 && parsed.height == 720 && parsed.seconds == 5)
        #expect(GeneratedVideoModule.parse("t/1280x720-0s.mp4") == nil)
        #expect(GeneratedVideoModule.parse("1280x720-5s.mp4") == nil)
        #expect(GeneratedVideoModule.parse("t/1280x720.mp4") == nil)
        let order = try VideoOrder.parse(JSONValue.parse(#"{"model":"wan2.2-t2v-plus","input":{"prompt":"p"},"parameters":{"resolution":"720P"}}"#)).get()
        #expect(order.width == 1280 && order.height == 720 && order.seconds == 5 && order.tier == "720")
        let missing = try JSONValue.parse(#"{"model":"wan2.1-t2v-turbo","input":{"prompt":""}}"#)
        guard case .failure(let refusal) = VideoOrder.parse(missing) else { Issue.record("an empty prompt was taken"); return }
        #expect(refusal.message == "Field required: input.prompt")
    }
}
