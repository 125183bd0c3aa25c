/// A number schema's range: `minimum`/`maximum`, `exclusiveMinimum`/`exclusiveMaximum` (a number,
/// or draft 4's boolean beside `minimum`/`maximum`) and `multipleOf`.
struct NumberBounds: Sendable {
    var low: Double?
    var lowOpen = false
    var high: Double?
    var highOpen = false
    var step: Double?

    init(_ schema: [String: JSONValue]) {
        low = schema["minimum"]?.numberValue
        high = schema["maximum"]?.numberValue
        switch schema["exclusiveMinimum"] {
        case .number(let value)?:
            if low.map({ value >= $0 }) ?? true { low = value; lowOpen = true }
        case .bool(true)?: lowOpen = low != nil
        default: break
        }
        switch schema["exclusiveMaximum"] {
        case .number(let value)?:
            if high.map({ value <= $0 }) ?? true { high = value; highOpen = true }
        case .bool(true)?: highOpen = high != nil
        default: break
        }
        if let step = schema["multipleOf"]?.numberValue, step > 0, step.isFinite { self.step = step }
    }

    /// Whether `value` is inside the range and a multiple of `multipleOf` (a float quotient must be
    /// exactly whole, as Python's jsonschema checks it).
    func admits(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        if let low, lowOpen ? value <= low : value < low { return false }
        if let high, highOpen ? value >= high : value > high { return false }
        if let step {
            let quotient = value / step
            if !quotient.isFinite || quotient.rounded() != quotient { return false }
        }
        return true
    }

    /// `preferred` when admitted; else the admitted value nearest the lower (then upper) bound;
    /// `preferred` unchanged when none is found in a few tries.
    func fit(_ preferred: Double, integer: Bool) -> Double {
        let ok = { (value: Double) in self.admits(value) && (!integer || value.rounded() == value) }
        let candidate = integer ? preferred.rounded() : preferred
        if ok(candidate) { return candidate }
        var starts: [Double] = []
        if let low { starts.append(low) }
        if let high { starts.append(high) }
        if starts.isEmpty { starts.append(candidate) }
        // Near the candidate first when it lies in range, then from each bound inwards.
        if let low, candidate > low, high.map({ candidate < $0 }) ?? true { starts.insert(candidate, at: 0) }
        for start in starts {
            let direction: Double = start == high && start != low && start != candidate ? -1 : 1
            if let step {
                var multiple = direction > 0 ? (start / step).rounded(.up) : (start / step).rounded(.down)
                for _ in 0..<64 {
                    let value = multiple * step
                    if ok(value) { return value }
                    let whole = value.rounded(direction > 0 ? .up : .down)
                    if ok(whole) { return whole }
                    multiple += direction
                }
            } else if integer {
                var value = direction > 0 ? start.rounded(.up) : start.rounded(.down)
                for _ in 0..<3 {
                    if ok(value) { return value }
                    value += direction
                }
            } else {
                for value in [start, start + direction, (low ?? start) / 2 + (high ?? start) / 2, start + direction * 0.5] where ok(value) {
                    return value
                }
            }
        }
        return candidate
    }
}
