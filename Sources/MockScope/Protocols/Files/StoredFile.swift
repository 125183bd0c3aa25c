/// One file the compatible `/files` API holds: an upload, or a batch's output or error file.
struct StoredFile: Sendable {
    /// `file-extract`, `batch`, `batch_output` (docs/protocol-notes.md, files).
    enum Purpose: String, Sendable, CaseIterable {
        case fileExtract = "file-extract"
        case batch
        case batchOutput = "batch_output"
        /// Uploaded through the native `/api/v1/files` (`dashscope.Files`), a store of its own [chosen].
        case fineTune = "fine_tune"

        /// What an upload may name.
        static let uploadable: [Purpose] = [.fileExtract, .batch]
        /// The most bytes an upload of this purpose may have (files: 150 MB documents, batch 500 MB).
        var maxBytes: Int { self == .fileExtract ? 150 * 1024 * 1024 : 500 * 1024 * 1024 }
    }

    let id: String
    let filename: String
    let purpose: Purpose
    let content: [UInt8]
    /// MockScope's clock at the upload, in ms.
    let createdMs: Double
    /// The native upload's `descriptions` entry.
    var description: String? = nil

    /// Only a batch's output and error files may be downloaded (docs: batch).
    var isDownloadable: Bool { purpose == .batchOutput }

    /// The OpenAI-shaped file object.
    func object(into o: inout JSONWriter.ObjectWriter) {
        o.field("id", string: id)
        o.field("bytes", .number(Double(content.count)))
        o.field("created_at", .number(Double(MockTime.unixSeconds(createdMs))))
        o.field("filename", string: filename)
        o.field("object", string: "file")
        o.field("purpose", string: purpose.rawValue)
        o.field("status", string: "processed")
        o.field("status_details", .null)
    }

    var json: String {
        var writer = JSONWriter()
        writer.object { object(into: &$0) }
        return writer.text
    }
}
