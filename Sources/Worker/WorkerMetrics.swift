import Prometheus
import Synchronization

/// A worker's Prometheus metrics (docs/metrics.md), served by ``MetricsServer`` on `--metrics-port`, and its
/// readiness. Each worker has a registry of its own, so several workers in one process count separately.
public final class WorkerMetrics: Sendable {
    /// Upper bounds of the tool duration histogram buckets.
    public static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    /// The series of one task name, created together so each shows 0 before it first moves.
    private struct ToolSeries: Sendable {
        var polls: Counter
        var polled: Counter
        var completed: Counter
        var failed: Counter
        var failedTerminal: Counter
        var lostResults: Counter
        var duration: DurationHistogram
    }

    private struct State {
        var tools: [String: ToolSeries] = [:]
        var pollErrors = 0
        /// Task names whose last poll failed.
        var unreachable: Set<String> = []
        var polledOnce = false
        var stopping = false
    }

    /// The registry the metrics live in.
    public let registry = PrometheusCollectorRegistry()
    private let state = Mutex(State())
    private let pollErrorsTotal: Counter
    private let running: Gauge
    private let readyGauge: Gauge

    private static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    public init() {
        pollErrorsTotal = registry.makeCounter(
            descriptor: Self.name("agentspanc_worker_poll_errors_total", "Poll requests that failed."))
        running = registry.makeGauge(descriptor: Self.name("agentspanc_worker_tasks_running", "Tasks currently being executed."))
        readyGauge = registry.makeGauge(
            descriptor: Self.name("agentspanc_worker_ready", "1 while the worker polls a reachable server, else 0."))
    }

    private func series(_ tool: String) -> ToolSeries {
        if let existing = state.withLock({ $0.tools[tool] }) { return existing }
        let label = [("tool", tool)]
        let made = ToolSeries(
            polls: registry.makeCounter(
                descriptor: Self.name("agentspanc_worker_polls_total", "Poll requests answered by the server."), labels: label),
            polled: registry.makeCounter(
                descriptor: Self.name("agentspanc_worker_tasks_polled_total", "Tasks received from the server."), labels: label),
            completed: registry.makeCounter(
                descriptor: Self.name("agentspanc_worker_tasks_completed_total", "Tasks reported COMPLETED."), labels: label),
            failed: registry.makeCounter(
                descriptor: Self.failed, labels: label + [("terminal", "false")]),
            failedTerminal: registry.makeCounter(
                descriptor: Self.failed, labels: label + [("terminal", "true")]),
            lostResults: registry.makeCounter(
                descriptor: Self.name("agentspanc_worker_results_lost_total", "Results the server never acknowledged."),
                labels: label),
            duration: registry.makeDurationHistogram(
                descriptor: Self.name(
                    "agentspanc_worker_task_duration_seconds", "Time from receiving a task to its outcome, per tool call."),
                labels: label, buckets: Self.durationBuckets))
        return state.withLock { state in
            if let existing = state.tools[tool] { return existing }
            state.tools[tool] = made
            return made
        }
    }

    private static var failed: MetricNameDescriptor {
        name(
            "agentspanc_worker_tasks_failed_total",
            "Tasks reported FAILED (terminal=false) or FAILED_WITH_TERMINAL_ERROR (terminal=true).")
    }
    private static var pluginRestarts: MetricNameDescriptor {
        name(
            "agentspanc_worker_plugin_restarts_total", "Times a plugin process was started again after it exited.")
    }

    /// Failed poll requests.
    public var pollErrors: Int { state.withLock { $0.pollErrors } }

    /// Whether the worker has polled the server successfully, has no task name whose last poll failed and is not
    /// stopping: what `GET /ready` on the metrics port answers.
    public var isReady: Bool {
        state.withLock { $0.polledOnce && $0.unreachable.isEmpty && !$0.stopping }
    }


    /// A poll of `tool` was answered, with `count` tasks.
    func polled(_ tool: String, count: Int) {
        let series = series(tool)
        series.polls.increment()
        if count > 0 { series.polled.increment(by: Int64(count)) }
        running.increment(by: Double(count))
        updateReadiness { state in
            state.polledOnce = true
            state.unreachable.remove(tool)
        }
    }

    /// A task `update-v2` handed out with a result (received without a poll).
    func received(_ tool: String) {
        series(tool).polled.increment()
        running.increment()
    }

    func pollFailed(_ tool: String) {
        pollErrorsTotal.increment()
        updateReadiness { state in
            state.pollErrors += 1
            state.unreachable.insert(tool)
        }
    }

    /// The worker stopped polling `tool` (a reload removed it), so its failures no longer count against readiness.
    func stoppedPolling(_ tool: String) {
        updateReadiness { $0.unreachable.remove(tool) }
    }

    /// Graceful shutdown began: the worker is no longer ready.
    func stopping() {
        updateReadiness { $0.stopping = true }
    }

    func finished(_ tool: String, status: ToolOutcome.Status, duration: Duration) {
        let series = series(tool)
        running.decrement()
        switch status {
        case .completed: series.completed.increment()
        case .failed: series.failed.increment()
        case .failedWithTerminalError: series.failedTerminal.increment()
        }
        series.duration.record(duration)
    }

    func resultLost(_ tool: String) {
        series(tool).lostResults.increment()
    }

    /// A plugin process was started again after it exited.
    func pluginRestarted(_ path: String) {
        registry.makeCounter(descriptor: Self.pluginRestarts, labels: [("plugin", path)]).increment()
    }

    private func updateReadiness(_ change: (inout State) -> Void) {
        state.withLock { state in
            change(&state)
            readyGauge.set(to: state.polledOnce && state.unreachable.isEmpty && !state.stopping ? 1 : 0)
        }
    }

    /// The Prometheus text exposition (version 0.0.4).
    public func prometheusText() -> String {
        registry.emitToString()
    }
}
