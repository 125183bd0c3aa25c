/// The outcome of a lookup.
public enum MatchResult: Sendable {
    case matched(Fixture)
    case missed(NearMiss)
}
