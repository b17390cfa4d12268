import Synchronization

/// Counters and durations of a worker, rendered in the Prometheus text format for `--metrics-port`.
public final class WorkerMetrics: Sendable {
    /// Upper bounds (seconds) of the duration histogram buckets.
    public static let bucketBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

    /// Counts for one task name.
    public struct ToolCounts: Sendable, Hashable {
        public var polled = 0
        public var completed = 0
        public var failed = 0
        public var failedTerminal = 0
        /// Results that could not be delivered to the server.
        public var lostResults = 0
        public var durationSum: Double = 0
        public var durationCount = 0
        /// Cumulative counts per ``WorkerMetrics/bucketBounds`` entry.
        public var buckets = [Int](repeating: 0, count: WorkerMetrics.bucketBounds.count)
    }

    private struct State {
        var tools: [String: ToolCounts] = [:]
        var pollErrors = 0
        var running = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts for every task name seen so far.
    public var snapshot: [String: ToolCounts] { state.withLock { $0.tools } }
    /// Failed poll requests.
    public var pollErrors: Int { state.withLock { $0.pollErrors } }

    func polled(_ tool: String, count: Int) {
        guard count > 0 else { return }
        state.withLock {
            $0.tools[tool, default: ToolCounts()].polled += count
            $0.running += count
        }
    }

    func pollFailed() {
        state.withLock { $0.pollErrors += 1 }
    }

    func finished(_ tool: String, status: ToolOutcome.Status, seconds: Double) {
        state.withLock { state in
            state.running -= 1
            var counts = state.tools[tool, default: ToolCounts()]
            switch status {
            case .completed: counts.completed += 1
            case .failed: counts.failed += 1
            case .failedWithTerminalError: counts.failedTerminal += 1
            }
            counts.durationSum += seconds
            counts.durationCount += 1
            for (index, bound) in Self.bucketBounds.enumerated() where seconds <= bound {
                counts.buckets[index] += 1
            }
            state.tools[tool] = counts
        }
    }

    func resultLost(_ tool: String) {
        state.withLock { $0.tools[tool, default: ToolCounts()].lostResults += 1 }
    }

    /// The Prometheus text exposition (version 0.0.4).
    public func prometheusText() -> String {
        let (tools, pollErrors, running) = state.withLock { ($0.tools, $0.pollErrors, $0.running) }
        let names = tools.keys.sorted()
        var lines: [String] = []
        func counter(_ metric: String, _ help: String, _ value: (ToolCounts) -> Int, extra: String = "") {
            lines.append("# HELP \(metric) \(help)")
            lines.append("# TYPE \(metric) counter")
            for name in names {
                lines.append("\(metric){tool=\"\(Self.escape(name))\"\(extra)} \(value(tools[name]!))")
            }
        }
        counter("agentspanc_worker_tasks_polled_total", "Tasks received from the server.", \.polled)
        counter("agentspanc_worker_tasks_completed_total", "Tasks reported COMPLETED.", \.completed)
        lines.append("# HELP agentspanc_worker_tasks_failed_total Tasks reported FAILED or FAILED_WITH_TERMINAL_ERROR.")
        lines.append("# TYPE agentspanc_worker_tasks_failed_total counter")
        for name in names {
            let counts = tools[name]!
            lines.append("agentspanc_worker_tasks_failed_total{tool=\"\(Self.escape(name))\",terminal=\"false\"} \(counts.failed)")
            lines.append("agentspanc_worker_tasks_failed_total{tool=\"\(Self.escape(name))\",terminal=\"true\"} \(counts.failedTerminal)")
        }
        counter("agentspanc_worker_results_lost_total", "Results the server never acknowledged.", \.lostResults)
        lines.append("# HELP agentspanc_worker_task_duration_seconds Time from receiving a task to its outcome.")
        lines.append("# TYPE agentspanc_worker_task_duration_seconds histogram")
        for name in names {
            let counts = tools[name]!
            let label = "tool=\"\(Self.escape(name))\""
            for (index, bound) in Self.bucketBounds.enumerated() {
                lines.append("agentspanc_worker_task_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(counts.buckets[index])")
            }
            lines.append("agentspanc_worker_task_duration_seconds_bucket{\(label),le=\"+Inf\"} \(counts.durationCount)")
            lines.append("agentspanc_worker_task_duration_seconds_sum{\(label)} \(counts.durationSum)")
            lines.append("agentspanc_worker_task_duration_seconds_count{\(label)} \(counts.durationCount)")
        }
        lines.append("# HELP agentspanc_worker_poll_errors_total Poll requests that failed.")
        lines.append("# TYPE agentspanc_worker_poll_errors_total counter")
        lines.append("agentspanc_worker_poll_errors_total \(pollErrors)")
        lines.append("# HELP agentspanc_worker_tasks_running Tasks currently being executed.")
        lines.append("# TYPE agentspanc_worker_tasks_running gauge")
        lines.append("agentspanc_worker_tasks_running \(running)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func escape(_ label: String) -> String {
        label.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
