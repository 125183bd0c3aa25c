/// What one protocol module keeps between requests (stored responses, tasks, uploaded files). A
/// class with its own lock: `ModuleStateStore` hands every request the same instance.
public protocol ModuleState: AnyObject, Sendable {
    /// Forgets everything (`POST /__admin/reset`).
    func reset()
}
