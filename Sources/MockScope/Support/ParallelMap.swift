import Dispatch

extension Array {
    /// `map` over every core (`DispatchQueue.concurrentPerform`), results in order. For pure,
    /// independent work on many elements: loading thousands of fixtures, keying them. `transform`
    /// must not touch shared mutable state (it is run concurrently).
    func parallelMap<T>(_ transform: (Element) -> T) -> [T] {
        // Few elements: not worth waking every core (a recording session rebuilds a small store
        // per exchange, beside requests being served).
        guard count >= Self.parallelThreshold else { return map(transform) }
        return withoutActuallyEscaping(transform) { transform in
            var results = [T?](repeating: nil, count: count)
            results.withUnsafeMutableBufferPointer { buffer in
                self.withUnsafeBufferPointer { elements in
                    let work = ParallelWork(elements: elements, results: buffer.baseAddress!, transform: transform)
                    // Each iteration reads its own element and writes its own slot, nothing else.
                    DispatchQueue.concurrentPerform(iterations: elements.count) { index in work.run(index) }
                }
            }
            return results.map { $0! }
        }
    }
}

extension Array {
    /// Below this many elements `parallelMap` maps on the calling thread.
    static var parallelThreshold: Int { 256 }
}

/// One `parallelMap`: the buffers and the transform its iterations share. Unchecked: iteration
/// `i` reads element `i` and writes slot `i` only, and the buffers outlive `concurrentPerform`.
private struct ParallelWork<Element, T>: @unchecked Sendable {
    let elements: UnsafeBufferPointer<Element>
    let results: UnsafeMutablePointer<T?>
    let transform: (Element) -> T

    func run(_ index: Int) { results[index] = transform(elements[index]) }
}
