import MockScopeHTTPTypes

/// The store and settings in force, replaced whole on every change: a request takes one reference
/// under the lock instead of copying both. Its decision memo lives and dies with it, since the
/// stages it remembers read both.
final class ServerState: Sendable {
    let store: FixtureStore
    let settings: MockSettings
    /// Counts store replacements (not settings changes): see `ExchangeHandler.changeStore`.
    let storeGeneration: Int
    let memo: DecisionMemo

    init(store: FixtureStore, settings: MockSettings, storeGeneration: Int, preparer: (any AnswerPreparer)?) {
        self.store = store
        self.settings = settings
        self.storeGeneration = storeGeneration
        self.memo = DecisionMemo(preparer: preparer)
    }
}
