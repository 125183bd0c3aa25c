import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a real socket, so tests see exactly the bytes on the wire.
final class RawHTTP {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw Failure("connect() failed") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil, host: String = "127.0.0.1") throws {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        let bytes = Array((body ?? "").utf8)
        if body != nil { text += "Content-Length: \(bytes.count)\r\n" }
        text += "\r\n"
        try write(Array(text.utf8) + bytes)
    }

    func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure("send failed") }
            sent += n
        }
    }

    private var buffer: [UInt8] = []

    /// Reads whatever arrives next (blocks until at least one byte or EOF); empty = closed.
    func readSome() throws -> [UInt8] {
        if !buffer.isEmpty { defer { buffer = [] }; return buffer }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 { throw Failure("recv failed or timed out (errno \(errno))") }
        return Array(chunk[0..<n])
    }

    /// Takes in whatever has already arrived, without waiting, and returns how many bytes are
    /// buffered and not yet read (what a test checks to see that nothing more was sent).
    func bytesArrived() throws -> Int {
        while true {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return buffer.count }
                throw Failure("recv failed (errno \(errno))")
            }
            if n == 0 { return buffer.count }
            buffer += chunk[0..<n]
        }
    }

    private func fill(until predicate: ([UInt8]) -> Bool) throws {
        while !predicate(buffer) {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw Failure("recv failed or timed out (errno \(errno))") }
            if n == 0 { throw Failure("connection closed early") }
            buffer += chunk[0..<n]
        }
    }

    private func take(_ count: Int) -> [UInt8] {
        let result = Array(buffer.prefix(count))
        buffer.removeFirst(min(count, buffer.count))
        return result
    }

    private func line() throws -> String {
        try fill { $0.firstRange(of: [13, 10]) != nil }
        let end = buffer.firstRange(of: [13, 10])!.lowerBound
        let text = String(decoding: take(end), as: UTF8.self)
        _ = take(2)
        return text
    }

    /// Reads the status line and headers.
    func readHead() throws -> (status: Int, headers: [(String, String)]) {
        let statusLine = try line()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure("bad status line \(statusLine)") }
        var headers: [(String, String)] = []
        while true {
            let header = try line()
            if header.isEmpty { break }
            let pieces = header.split(separator: ":", maxSplits: 1)
            headers.append((String(pieces[0]), pieces.count > 1 ? pieces[1].trimmingCharacters(in: .whitespaces) : ""))
        }
        return (status, headers)
    }

    /// Reads one chunk of a chunked body; nil at the terminating chunk.
    func readChunk() throws -> [UInt8]? {
        let sizeLine = try line()
        guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw Failure("bad chunk size \(sizeLine)") }
        if size == 0 {
            _ = try line()
            return nil
        }
        try fill { $0.count >= size + 2 }
        let data = take(size)
        _ = take(2)
        return data
    }

    /// Reads chunks of a chunked body until `count` bytes have come (events due together may
    /// share a chunk, and a long one may be split).
    func readBody(_ count: Int) throws -> String {
        var bytes: [UInt8] = []
        while bytes.count < count, let chunk = try readChunk() { bytes += chunk }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a whole response (Content-Length or chunked).
    func readResponse() throws -> Response {
        let head = try readHead()
        var body: [UInt8] = []
        if let length = head.headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }) {
            try fill { $0.count >= length }
            body = take(length)
        } else if head.headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
            while let chunk = try readChunk() { body += chunk }
        }
        return Response(status: head.status, headers: head.headers, body: body)
    }

    /// One request, one response.
    static func exchange(port: UInt16, _ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil,
                         host: String = "127.0.0.1") throws -> Response {
        let client = try RawHTTP(port: port)
        try client.send(method, path, headers: headers, body: body, host: host)
        return try client.readResponse()
    }
}

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

let authJSON: [(String, String)] = [("Authorization", "Bearer sk-test"), ("Content-Type", "application/json")]
