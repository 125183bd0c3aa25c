/// A `multipart/form-data` body read into its parts (RFC 7578). The boundary comes from the
/// body's first line (`--boundary`), so a recorded body, whose Content-Type is not kept, reads the
/// same as a live one; it is checked against the Content-Type's `boundary=` when one is given.
struct MultipartBody: Sendable {
    struct Part: Sendable {
        /// `Content-Disposition: form-data; name="..."`.
        var name: String
        /// `filename="..."`, for a file part.
        var filename: String?
        var contentType: String?
        var content: [UInt8]

        var text: String { String(decoding: content, as: UTF8.self) }
    }

    var parts: [Part]

    /// The first part named `name`.
    func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// Why a body is not a readable multipart body.
    struct Malformed: Error, Sendable { var reason: String }

    /// The `boundary=` of a `multipart/form-data` content type, or nil.
    static func boundary(contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmed(" \t")
            guard pair.lowercased().hasPrefix("boundary=") else { continue }
            var value = String(pair.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Reads `bytes`; `expectedBoundary` (the Content-Type's) must be the one the body uses.
    static func parse(_ bytes: [UInt8], expectedBoundary: String? = nil) -> Result<MultipartBody, Malformed> {
        guard bytes.starts(with: [0x2D, 0x2D]), let firstEnd = find([0x0D, 0x0A], in: bytes, from: 0) else {
            return .failure(Malformed(reason: "the body does not start with a --boundary line"))
        }
        let boundary = String(decoding: bytes[2..<firstEnd], as: UTF8.self)
        guard !boundary.isEmpty else { return .failure(Malformed(reason: "the boundary is empty")) }
        if let expectedBoundary, expectedBoundary != boundary {
            return .failure(Malformed(reason: "the body's boundary is not the Content-Type's boundary"))
        }
        let delimiter = Array(("\r\n--" + boundary).utf8)
        var parts: [Part] = []
        var cursor = firstEnd + 2
        while true {
            guard let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes, from: cursor) else {
                return .failure(Malformed(reason: "a part has no blank line after its headers"))
            }
            let headers = String(decoding: bytes[cursor..<headerEnd], as: UTF8.self)
            guard let next = find(delimiter, in: bytes, from: headerEnd + 4) else {
                return .failure(Malformed(reason: "a part is not closed by the boundary"))
            }
            guard var part = Self.part(headers: headers) else {
                return .failure(Malformed(reason: "a part has no Content-Disposition: form-data; name=..."))
            }
            part.content = Array(bytes[(headerEnd + 4)..<next])
            parts.append(part)
            let after = next + delimiter.count
            if bytes[after...].starts(with: [0x2D, 0x2D]) { return .success(MultipartBody(parts: parts)) }
            guard bytes[after...].starts(with: [0x0D, 0x0A]) else {
                return .failure(Malformed(reason: "a boundary is followed by neither CRLF nor --"))
            }
            cursor = after + 2
        }
    }

    /// A part's name, file name and type from its header lines.
    private static func part(headers: String) -> Part? {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].lowercased()
            let value = String(line[line.index(after: colon)...]).trimmed(" \t")
            if field == "content-type" { contentType = value }
            guard field == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                let pair = parameter.trimmed(" \t")
                guard let eq = pair.firstIndex(of: "=") else { continue }
                var item = String(pair[pair.index(after: eq)...])
                if item.hasPrefix("\""), item.hasSuffix("\""), item.count >= 2 { item = String(item.dropFirst().dropLast()) }
                switch pair[..<eq].lowercased() {
                case "name": name = item
                case "filename": filename = item
                default: break
                }
            }
        }
        guard let name else { return nil }
        return Part(name: name, filename: filename, contentType: contentType, content: [])
    }

    /// Where `needle` first starts in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The parts as matching compares them (never the boundary): `{"multipart":[{"name",
    /// "filename","content_type","content"}…]}`, in the order sent.
    /// What a file module's fixtures are compared on: a multipart body by its parts (never its
    /// boundary), any other body as canonical JSON.
    static func projection(of body: JSONValue?) -> JSONValue? {
        if case .string(let text)? = body, case .success(let multipart) = parse(Array(text.utf8)) { return multipart.projection }
        return body.map(CanonicalJSON.normalized)
    }

    var projection: JSONValue {
        .object(["multipart": .array(parts.map { part in
            var fields: [String: JSONValue] = ["name": .string(part.name), "content": .string(part.text)]
            if let filename = part.filename { fields["filename"] = .string(filename) }
            if let contentType = part.contentType { fields["content_type"] = .string(contentType) }
            return .object(fields)
        })])
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `characters`.
    fileprivate func trimmed(_ characters: String) -> String {
        let set = Set(characters)
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
