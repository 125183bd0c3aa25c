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

/// An answer sequence as this session wrote it: its file's digest, its request, each answer's
/// line and the fixture loaded from it.
struct KeptSequence: Sendable {
    var length: Int
    var digest: Int
    var request: JSONValue?
    var lines: [String]
    var afterLast: String
    var fixture: Fixture

    init(bytes: [UInt8], request: JSONValue?, lines: [String], afterLast: String, fixture: Fixture) {
        length = bytes.count
        digest = Self.digest(bytes)
        self.request = request
        self.lines = lines
        self.afterLast = afterLast
        self.fixture = fixture
    }

    /// Whether `bytes` (the file as it is now) are what was written: nobody changed it since.
    func describes(_ bytes: Data) -> Bool {
        bytes.count == length && Self.digest([UInt8](bytes)) == digest
    }

    /// Within this process only (Hasher is seeded per process), as the session is.
    static func digest(_ bytes: [UInt8]) -> Int {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }
}
