import Foundation

/// How an embedding is written into an answer: a JSON array of numbers, or compatible mode's
/// `encoding_format: base64` — the vector's float32 values, little-endian, base64 (as the openai
/// SDK decodes it: `np.frombuffer(base64.b64decode(data), dtype="float32")`).
enum VectorText {
    /// The JSON text of `vector` in `encoding` (an array, or a quoted base64 string).
    static func json(_ vector: [Double], encoding: EmbeddingRequest.Encoding) -> String {
        switch encoding {
        // Float's shortest text: the float32 the service computes, not a long double expansion.
        case .float: return "[" + vector.map { Float($0).description }.joined(separator: ",") + "]"
        case .base64: return "\"" + base64(vector) + "\""
        }
    }

    /// The float32 bytes of `vector`, little-endian, base64-encoded.
    static func base64(_ vector: [Double]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = Float(value).bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
