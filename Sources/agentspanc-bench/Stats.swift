import Foundation

/// Percentiles of a sample of durations.
struct Sample {
    private(set) var values: [Double] = []

    mutating func add(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        values.append(Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }

    /// The p-th percentile in milliseconds (nearest rank).
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// `p50 1.23 ms  p99 4.56 ms  (n=500)`.
    var summary: String {
        String(format: "p50 %.2f ms  p90 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (n=%d)",
               percentile(50), percentile(90), percentile(95), percentile(99), values.max() ?? .nan, values.count)
    }
}

func report(_ name: String, _ value: String, target: String? = nil) {
    let line = target.map { "\(name): \(value)    [target \($0)]" } ?? "\(name): \(value)"
    print(line)
}
