import Dispatch

/// A value computed on another thread from the moment it is made; `value` waits for it.
final class BackgroundValue<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: T?  // written once before `done` is signalled, read after

    init(_ compute: @escaping @Sendable () -> T) {
        DispatchQueue.global().async {
            self.result = compute()
            self.done.signal()
        }
    }

    var value: T {
        done.wait()
        done.signal()
        return result!
    }
}
