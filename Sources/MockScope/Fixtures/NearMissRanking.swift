/// The near-miss report's candidates: the live fixtures of a route that share most projection
/// leaves with the request (`ProjectionLeaves`), then the oldest, at most `limit` of them. Exact:
/// the same picks as counting every fixture's shared leaves, without counting them all.
///
/// Counting every posting cost 1.6 M instructions per miss at 10,000 fixtures (bench/RESULTS.md,
/// "misses"), since leaves such as the model or the system prompt are held by every fixture. Here
/// the short postings are counted, and the long ones are walked together in fixture order and left
/// as soon as no later fixture can still enter the picks: a later fixture scores at most the
/// number of long postings not yet walked to their end, and loses a tie to an older one.
struct NearMissRanking {
    /// One fixture picked: its score (leaves shared), id (insertion order), segment and index there.
    struct Pick {
        var score: Int
        var id: UInt64
        var segment: Int
        var index: Int
    }

    /// Postings at most this long are counted; longer ones are walked (`rank`). Either way the
    /// picks are the same; this only decides which is cheaper.
    static let shortPosting = 64

    let limit: Int
    /// The picks so far, best first: most leaves shared, then the oldest.
    private(set) var picks: [Pick] = []

    init(limit: Int) {
        self.limit = limit
        picks.reserveCapacity(limit + 1)
    }

    /// Whether a fixture scoring `score` with `id` would be picked now.
    private func admits(score: Int, id: UInt64) -> Bool {
        guard picks.count == limit, let last = picks.last else { return true }
        return last.score < score || (last.score == score && last.id > id)
    }

    private mutating func offer(_ pick: Pick) {
        guard admits(score: pick.score, id: pick.id) else { return }
        let at = picks.firstIndex { $0.score < pick.score || ($0.score == pick.score && $0.id > pick.id) } ?? picks.count
        picks.insert(pick, at: at)
        if picks.count > limit { picks.removeLast() }
    }

    /// Offers the fixtures of one segment that hold any of `postings` (one ascending list of
    /// entry indices per request leaf the route knows). `isLive` says whether an id is not removed.
    mutating func rank(_ postings: [[Int]], ids: [UInt64], segment: Int, isLive: (UInt64) -> Bool) {
        var short: [Int] = [], long: [[Int]] = []
        for list in postings {
            if list.count <= Self.shortPosting { short.append(contentsOf: list) } else { long.append(list) }
        }
        // The short postings: each fixture's count of them, and of the long postings holding it.
        short.sort()
        var counted: [Int] = []  // ascending, once each
        var i = 0
        while i < short.count {
            let index = short[i]
            var j = i + 1
            while j < short.count, short[j] == index { j += 1 }
            var score = j - i
            for list in long where list.sortedIndex(of: index) != nil { score += 1 }
            counted.append(index)
            if isLive(ids[index]) { offer(Pick(score: score, id: ids[index], segment: segment, index: index)) }
            i = j
        }
        guard !long.isEmpty else { return }
        // The long postings together, in index (= id) order; fixtures counted above are skipped.
        var cursors = [Int](repeating: 0, count: long.count)
        var skip = 0
        while true {
            var next = Int.max, open = 0
            for k in long.indices where cursors[k] < long[k].count {
                open += 1
                next = min(next, long[k][cursors[k]])
            }
            // Every later fixture scores at most `open` and is younger than those picked so far.
            guard open > 0, admits(score: open, id: ids[next]) else { return }
            var score = 0
            for k in long.indices where cursors[k] < long[k].count && long[k][cursors[k]] == next {
                score += 1
                cursors[k] += 1
            }
            while skip < counted.count, counted[skip] < next { skip += 1 }
            if skip < counted.count, counted[skip] == next { continue }
            if isLive(ids[next]) { offer(Pick(score: score, id: ids[next], segment: segment, index: next)) }
        }
    }
}
