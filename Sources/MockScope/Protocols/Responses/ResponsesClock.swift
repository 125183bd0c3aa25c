import Foundation

/// The wall clock in whole seconds, for the `created_at` of the answers no request decides
/// (a rate limit's failed Response, a mid-stream failure).
enum ResponsesClock {
    static func seconds() -> Int { Int(Date().timeIntervalSince1970) }
}
