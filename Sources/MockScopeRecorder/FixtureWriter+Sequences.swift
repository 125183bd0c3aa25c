import Foundation
import MockScope
import Synchronization

extension FixtureWriter {
    /// `document` (a fixture of one answer) as the next answer of `earlier`'s sequence: `earlier`'s
    /// answers (`response`, or `responses`), then this one's, `after_last` kept (default `repeat`).
    /// nil when either is not a fixture document.
    static func sequence(_ document: String, after earlier: JSONValue) -> String? {
        sequenceParts(document, after: earlier)?.text
    }

    /// A sequence document in parts: `document`'s head, each answer's line, the `after_last` JSON.
    struct SequenceParts {
        var head: Substring
        var lines: [String]
        var afterLast: String

        var text: String {
            String(head) + "\n  \"responses\": [\n" + lines.joined(separator: ",\n") + "\n  ],\n  \"after_last\": " + afterLast + "\n}\n"
        }
    }

    /// `sequence`'s parts, `earlier` read from its document.
    static func sequenceParts(_ document: String, after earlier: JSONValue) -> SequenceParts? {
        let answers: [JSONValue]
        if let list = earlier["responses"]?.arrayValue {
            answers = list
        } else if let one = earlier["response"] {
            answers = [one]
        } else {
            return nil
        }
        var writer = JSONWriter()
        writer.string(earlier["after_last"]?.stringValue ?? AfterLast.repeat.rawValue)
        return sequenceParts(document, afterLines: answers.map(answerLine), afterLast: writer.text)
    }

    /// `sequence`'s parts after answers already written as lines (a sequence this session wrote).
    static func sequenceParts(_ document: String, afterLines lines: [String], afterLast: String) -> SequenceParts? {
        guard let marker = document.range(of: "\n  \"response\": {"),
              let newest = (try? JSONValue.parse(Array(document.utf8)))?["response"] else { return nil }
        return SequenceParts(head: document[..<marker.lowerBound], lines: lines + [answerLine(newest)], afterLast: afterLast)
    }

    /// One answer's line in a sequence document.
    static func answerLine(_ answer: JSONValue) -> String {
        var writer = JSONWriter()
        writer.value(answer)
        return "    " + writer.text
    }
}

/// The files one `FixtureWriter` has written (its recording session), and what each answer
/// sequence it wrote holds, so the next answer is appended without reading the file again:
/// reading it cost 18 M instructions per append at 120 answers (bench/RESULTS.md, figure 4).
final class RecordingSession: Sendable {
    private let paths = Mutex<Set<String>>([])
    private let sequences = Mutex<[String: KeptSequence]>([:])

    func hasWritten(_ path: String) -> Bool { paths.withLock { $0.contains(path) } }

    /// Records a write; `sequence` is what it wrote when that was an answer sequence (else the
    /// path's kept sequence is forgotten: the file now holds one answer).
    func wrote(_ path: String, sequence: KeptSequence? = nil) {
        paths.withLock { _ = $0.insert(path) }
        sequences.withLock { $0[path] = sequence }
    }

    func sequence(at path: String) -> KeptSequence? { sequences.withLock { $0[path] } }
}

/// An answer sequence as this session wrote it: its file's bytes, its request, each answer's
/// line and the fixture loaded from it.
struct KeptSequence: Sendable {
    /// The file as written: the next append compares the file on disk with these (a compare, where
    /// a digest of the old bytes and another of the new cost 2 of the 3 M instructions an append
    /// took at 121 answers).
    var bytes: [UInt8]
    var request: JSONValue?
    var lines: [String]
    var afterLast: String
    var fixture: Fixture

    init(bytes: [UInt8], request: JSONValue?, lines: [String], afterLast: String, fixture: Fixture) {
        self.bytes = bytes
        self.request = request
        self.lines = lines
        self.afterLast = afterLast
        self.fixture = fixture
    }

    /// Whether `current` (the file as it is now) is what was written: nobody changed it since.
    func describes(_ current: Data) -> Bool {
        guard current.count == bytes.count else { return false }
        return current.withUnsafeBytes { now in
            bytes.withUnsafeBytes { written in now.isEmpty || memcmp(now.baseAddress!, written.baseAddress!, now.count) == 0 }
        }
    }
}
