import Foundation

/// Time arithmetic that cannot trap: every seconds → milliseconds conversion and every deadline sum in the engine
/// goes through these, so a stored definition or result with an absurd value (`Int64.max` seconds) yields a
/// deadline at the end of time instead of crashing the process (and crashing it again after every restart).
extension FixedWidthInteger {
    /// `self + other`, clamped to the type's range.
    func saturatingAdding(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to the type's range.
    func saturatingSubtracting(_ other: Self) -> Self {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other > 0 ? .min : .max
    }

    /// `self × other`, clamped to the type's range.
    func saturatingMultiplied(by other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }
}

extension Int64 {
    /// `seconds` in milliseconds, clamped to `Int64`'s range.
    static func saturatingMillis(seconds: Int) -> Int64 {
        Int64(seconds).saturatingMultiplied(by: 1000)
    }

    /// `time + seconds` in epoch milliseconds, clamped: the deadline `seconds` after `time`.
    static func saturatingDeadline(_ time: Int64, plusSeconds seconds: Int) -> Int64 {
        time.saturatingAdding(saturatingMillis(seconds: seconds))
    }

    /// `value` rounded towards zero and clamped to `Int64`'s range; NaN is 0.
    init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 0x1p63 {
            self = .max
        } else if value <= -0x1p63 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}
