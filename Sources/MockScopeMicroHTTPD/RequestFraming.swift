import MockScopeHTTPTypes

/// Request framing that invites smuggling or that libmicrohttpd would wait on forever: both
/// Content-Length and Transfer-Encoding, two different Content-Lengths, or a transfer coding other
/// than `chunked` alone. Returns why, or nil when the framing is sound.
public func unsafeFraming(_ headers: HeaderFields) -> String? {
    // The common case, one plain Content-Length or none and no Transfer-Encoding, costs one pass.
    var lengthFields = 0, codingFields = 0
    var lengthValue: String?
    let fields = headers.fields
    for index in fields.indices {
        // By length first: most fields are ruled out without comparing a byte.
        switch fields[index].name.utf8.count {
        case 14: if fields[index].name.caseInsensitiveEquals("content-length") { lengthFields += 1; lengthValue = fields[index].value }
        case 17: if fields[index].name.caseInsensitiveEquals("transfer-encoding") { codingFields += 1 }
        default: break
        }
    }
    if codingFields == 0, lengthFields <= 1 {
        guard let lengthValue else { return nil }
        return UInt64(lengthValue.trimmedSpaces) == nil ? "a Content-Length that is not a number" : nil
    }
    let lengths = headers.fields.filter { $0.name.caseInsensitiveEquals("content-length") }.map { $0.value.trimmedSpaces }
    let codings = headers.fields.filter { $0.name.caseInsensitiveEquals("transfer-encoding") }.map { $0.value.trimmedSpaces }
    if !lengths.isEmpty, !codings.isEmpty { return "both Content-Length and Transfer-Encoding" }
    if Set(lengths).count > 1 { return "two different Content-Length values" }
    if let length = lengths.first, UInt64(length) == nil { return "a Content-Length that is not a number" }
    if !codings.isEmpty, codings.count > 1 || !codings[0].caseInsensitiveEquals("chunked") {
        return "a transfer coding other than chunked"
    }
    return nil
}
