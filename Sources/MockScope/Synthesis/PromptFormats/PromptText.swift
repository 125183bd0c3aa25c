// Small text helpers of the prompt-format readers.

extension StringProtocol {
    /// Without leading and trailing white space.
    func trimmingWhite() -> SubSequence {
        let start = firstIndex(where: { !$0.isWhitespace }) ?? endIndex
        let end = lastIndex(where: { !$0.isWhitespace }).map { index(after: $0) } ?? start
        return self[start..<end]
    }
}

extension String {
    /// Without one pair of surrounding quotes or backticks.
    func trimmingQuotes() -> String {
        guard count >= 2, let first, let last, first == last, "'\"`".contains(first) else { return self }
        return String(dropFirst().dropLast())
    }
}
