/// Relevance scores for rerank from lexical overlap: the share of the query's features (words,
/// word trigrams, ideographs and ideograph pairs: `TextEmbedder.features`) that a document has,
/// weighted so that whole words and ideograph pairs count most. Deterministic, in [0, 1); a
/// document that shares the query's words outranks one that shares none. A sliver from the
/// pair's hash breaks ties.
enum LexicalRelevance {
    /// One result: the document's position in the request and its score.
    struct Scored: Sendable, Equatable {
        var index: Int
        var score: Double
    }

    static func weight(_ feature: String) -> Double {
        switch feature.first {
        case "w", "b": 1.0
        case "c": 0.5
        default: 0.25
        }
    }

    /// `documents` scored against `query`, best first (ties: the earlier document first).
    static func rank(query: String, documents: [String]) -> [Scored] {
        let wanted = Set(TextEmbedder.features(query))
        let total = wanted.reduce(0) { $0 + weight($1) }
        return documents.enumerated().map { index, document in
            let present = Set(TextEmbedder.features(document))
            let shared = wanted.intersection(present).reduce(0) { $0 + weight($1) }
            let overlap = total > 0 ? shared / total : 0
            let sliver = Double(StableHash(query + "\u{1}" + document).value % 1000) / 100_000
            return Scored(index: index, score: (overlap * 0.98 + sliver * 2).rounded(toPlaces: 6))
        }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
    }
}

extension Double {
    /// This value rounded to `places` decimal places (scores as the service prints them).
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
