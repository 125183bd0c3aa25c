/// Deterministic text vectors that behave like embeddings where a retrieval test looks: feature
/// hashing of lower-cased words, their character trigrams and (for CJK) single ideographs and
/// ideograph pairs, unit length. Texts that share words or characters get a higher cosine
/// similarity than texts that share none; the same text always gets the same vector.
struct TextEmbedder: Sendable {
    var dimensions: Int

    func vector(_ text: String) -> [Double] {
        var vector = [Double](repeating: 0, count: max(1, dimensions))
        for feature in Self.features(text) {
            let hash = StableHash(feature).value
            let index = Int(hash % UInt64(vector.count))
            // One bit of the hash picks the sign, so unrelated features cancel out on average.
            vector[index] += (hash >> 63) == 0 ? 1 : -1
        }
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0 else {
            // No features (empty or only punctuation): a fixed unit vector.
            vector[0] = 1
            return vector
        }
        return vector.map { $0 / length }
    }

    /// One entry of a sparse embedding: a vocabulary index, its weight, and the token.
    struct SparseEntry: Sendable, Equatable {
        var index: Int
        var value: Double
        var token: String
    }

    /// The vocabulary size sparse indices fall in [chosen: about the size of a multilingual vocabulary].
    static let sparseVocabulary: UInt64 = 250_002

    /// The native `output_type: sparse` vector: each distinct word (and ideograph) with its share
    /// of the text's words, unit length, by index.
    func sparse(_ text: String) -> [SparseEntry] {
        var counts: [String: Double] = [:]
        for feature in Self.features(text) where feature.hasPrefix("w:") || feature.hasPrefix("c:") {
            counts[String(feature.dropFirst(2)), default: 0] += 1
        }
        let length = counts.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0 else { return [] }
        return counts.map { token, count in
            SparseEntry(index: Int(StableHash("sparse:" + token).value % Self.sparseVocabulary), value: count / length, token: token)
        }.sorted { $0.index != $1.index ? $0.index < $1.index : $0.token < $1.token }
    }

    /// Words and their trigrams; ideographs singly and in pairs.
    static func features(_ text: String) -> [String] {
        var features: [String] = []
        var word = ""
        var previousIdeograph: Character?
        func endWord() {
            guard !word.isEmpty else { return }
            features.append("w:" + word)
            let letters = Array("^" + word + "$")
            if letters.count > 3 {
                for start in 0...(letters.count - 3) { features.append("t:" + String(letters[start..<start + 3])) }
            }
            word = ""
        }
        for character in text.lowercased() {
            if let scalar = character.unicodeScalars.first, TextMetrics.isIdeograph(scalar) {
                endWord()
                features.append("c:" + String(character))
                if let previous = previousIdeograph { features.append("b:" + String(previous) + String(character)) }
                previousIdeograph = character
            } else if character.isLetter || character.isNumber {
                previousIdeograph = nil
                word.append(character)
            } else {
                previousIdeograph = nil
                endWord()
            }
        }
        endWord()
        return features
    }
}
