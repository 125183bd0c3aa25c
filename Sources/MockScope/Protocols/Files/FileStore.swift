import Synchronization

/// The compatible `/files` API's files, in upload order, and the objects uploaded through the
/// native upload policy (`oss://` keys).
final class FileStore: ModuleState {
    static let stateName = "files"

    private struct Files {
        var byID: [String: StoredFile] = [:]
        var order: [String] = []
        var uploads = 0
        var ossObjects: [String: [UInt8]] = [:]
    }
    private let files = Mutex(Files())

    static func of(_ context: ModuleContext) -> FileStore { context.states.state(stateName, make: FileStore.init) }

    /// Stores a file under an id made of `prefix`, its content and its sequence number.
    func add(prefix: String, filename: String, purpose: StoredFile.Purpose, content: [UInt8], at nowMs: Double,
             description: String? = nil) -> StoredFile {
        files.withLock { files in
            files.uploads += 1
            let hash = StableHash(String(decoding: content, as: UTF8.self)).derived(filename).derived("file#\(files.uploads)")
            let file = StoredFile(id: prefix + hash.hex(24), filename: filename, purpose: purpose, content: content, createdMs: nowMs,
                                  description: description)
            files.byID[file.id] = file
            files.order.append(file.id)
            return file
        }
    }

    func file(_ id: String) -> StoredFile? { files.withLock { $0.byID[id] } }

    /// Every file, oldest first.
    func all() -> [StoredFile] { files.withLock { files in files.order.compactMap { files.byID[$0] } } }

    func delete(_ id: String) -> Bool {
        files.withLock { files in
            guard files.byID.removeValue(forKey: id) != nil else { return false }
            files.order.removeAll { $0 == id }
            return true
        }
    }

    /// An object uploaded to MockScope's stand-in for OSS, under its `key`.
    func putObject(_ key: String, _ content: [UInt8]) { files.withLock { $0.ossObjects[key] = content } }
    func object(_ key: String) -> [UInt8]? { files.withLock { $0.ossObjects[key] } }

    func reset() { files.withLock { $0 = Files() } }
}
