/// A problem in a model catalog file: the file, the line (and column) and what to fix.
public struct ModelCatalogProblem: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var location: String
    public var message: String
    public var description: String { "\(file): \(location): \(message)" }
}
