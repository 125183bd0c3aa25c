import Foundation
@testable import MockScope
@testable import MockScopeRecorder
import MockScopeHTTPTypes
import Testing

/// The same request recorded again in one session appends an answer to its fixture's sequence.
/// The writer keeps what it wrote and appends without reading the file again; the result must be
/// exactly what reading it again gives (the earlier way), and a file changed meanwhile on disk
/// must still be read.
@Suite struct RecorderSequenceTests {
    static func answer(_ i: Int, events: Bool) -> RecordedExchange {
        var exchange = RecorderWriterTests.exchange(events: events, text: #"{"answer":\#(i),"usage":{"completion_tokens":\#(i * 7)}}"#)
        if events, case .events(var list) = exchange.body {
            list.insert(PlannedEvent(atMs: 12.34 + Double(i), text: "data: {\"n\":\(i),\"usage\":{\"completion_tokens\":\(i * 3)}}\n\n"), at: 1)
            exchange.body = .events(list)
        }
        return exchange
    }

    static func same(_ a: PlannedBody, _ b: PlannedBody) -> Bool {
        switch (a, b) {
        case let (.whole(x), .whole(y)): return x == y
        case let (.events(x), .events(y)): return x == y
        default: return false
        }
    }

    /// What the writer wrote the earlier way: each new document after the file's parsed contents.
    static func expectedTexts(_ writer: FixtureWriter, _ exchanges: [RecordedExchange]) -> [String] {
        var texts: [String] = []
        for exchange in exchanges {
            let document = writer.document(for: exchange, attempt: 1).1
            guard let previous = texts.last else { texts.append(document); continue }
            let earlier = try! JSONValue.parse(Array(previous.utf8))
            texts.append(FixtureWriter.sequence(document, after: earlier)!)
        }
        return texts
    }

    @Test(arguments: [false, true]) func appendedAnswersAreWhatReadingTheFileAgainGives(events: Bool) throws {
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = FixtureWriter(directory: folder, upstreamHost: "upstream.test")
        let exchanges = (1...6).map { Self.answer($0, events: events) }
        let expected = Self.expectedTexts(FixtureWriter(directory: folder, upstreamHost: "upstream.test"), exchanges)
        for (k, exchange) in exchanges.enumerated() {
            let written = try writer.write(exchange)
            #expect(written.text == expected[k], "answer \(k + 1)")
            let onDisk = try #require(FileManager.default.contents(atPath: written.path))
            #expect(String(decoding: onDisk, as: UTF8.self) == expected[k])
            // The fixture handed to the store is the one the loader reads from the file.
            guard case .success(let loaded) = FixtureLoader.parse(Array(onDisk), file: written.path, defaultName: written.location.name) else {
                Issue.record("the written file does not load"); return
            }
            #expect(written.fixture.responses.count == k + 1)
            #expect(written.fixture.responses.count == loaded.responses.count)
            #expect(written.fixture.completionTokens == loaded.completionTokens)
            #expect(written.fixture.afterLast == loaded.afterLast)
            #expect(written.fixture.name == loaded.name && written.fixture.origin == loaded.origin)
            for (a, b) in zip(written.fixture.responses, loaded.responses) {
                #expect(a.status == b.status)
                #expect(Self.same(a.body, b.body))
                #expect(a.headers.fields.map { "\($0.name): \($0.value)" } == b.headers.fields.map { "\($0.name): \($0.value)" })
            }
        }
    }

    @Test func aFileChangedOnDiskIsReadAgain() throws {
        let folder = try RecorderWriterTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = FixtureWriter(directory: folder, upstreamHost: "upstream.test")
        _ = try writer.write(Self.answer(1, events: false))
        let second = try writer.write(Self.answer(2, events: false))
        #expect(second.fixture.responses.count == 2)
        // Someone sets after_last by hand between two recordings: the next append keeps it.
        let edited = second.text.replacingOccurrences(of: #""after_last": "repeat""#, with: #""after_last": "error""#)
        #expect(edited != second.text)
        try Array(edited.utf8).withUnsafeBufferPointer { _ = try Data($0).write(to: URL(fileURLWithPath: second.path)) }
        let answer3 = Self.answer(3, events: false), answer5 = Self.answer(5, events: false)  // each written and rendered once (its time is in the document)
        let third = try writer.write(answer3)
        #expect(third.fixture.responses.count == 3)
        #expect(third.fixture.afterLast == .error)
        #expect(third.text.contains(#""after_last": "error""#))
        let earlier = try JSONValue.parse(Array(edited.utf8))
        #expect(third.text == FixtureWriter.sequence(writer.document(for: answer3, attempt: 1).1, after: earlier))
        // A partial recording goes to its own file; the sequence goes on after it, appended again.
        var partial = Self.answer(4, events: false)
        partial.partial = true
        let cut = try writer.write(partial)
        #expect(cut.fixture.responses.count == 1 && cut.path != third.path)
        let fourth = try writer.write(answer5)
        #expect(fourth.fixture.responses.count == 4)
        #expect(fourth.text == FixtureWriter.sequence(writer.document(for: answer5, attempt: 1).1,
                                                      after: try JSONValue.parse(Array(third.text.utf8))))
    }
}
