import Engine
import Prometheus
import Synchronization
import Workflow

/// The server's Prometheus metrics (docs/metrics.md), in a registry of its own so that every server of a process
/// (tests start many) counts separately.
///
/// Task and LLM figures are taken from the engine's journal as tasks end (``record(_:)``); execution counts, queue
/// depths and the store's size are read from the store at scrape time (``exposition(engine:)``).
final class ServerMetrics: Sendable {
    /// Upper bounds (seconds) of the task duration and queue-wait histograms.
    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]
    /// The Prometheus text format's content type.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let registry = PrometheusCollectorRegistry()
    /// Label sets of the scrape-time gauges seen at an earlier scrape, set to 0 when they disappear from the store.
    private let seen = Mutex<(executions: Set<[String]>, queues: Set<String>)>(([], []))

    private static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    private static var executions: MetricNameDescriptor {
        name(
            "agentspanc_executions", "Executions in the store (sub-workflows included) by workflow name and status.")
    }
    private static var taskDuration: MetricNameDescriptor {
        name(
            "agentspanc_task_duration_seconds", "Time from a task's start (IN_PROGRESS) to its end, by task type.")
    }
    private static var queueWait: MetricNameDescriptor {
        name(
            "agentspanc_task_queue_wait_seconds",
            "Time a task waited between being scheduled and starting, by task type.")
    }
    private static var tasksEnded: MetricNameDescriptor {
        name("agentspanc_tasks_ended_total", "Tasks that reached a terminal status, by task type and status.")
    }
    private static var queueDepth: MetricNameDescriptor {
        name("agentspanc_task_queue_depth", "SCHEDULED tasks waiting for a worker, by queue.")
    }
    private static var llmCalls: MetricNameDescriptor {
        name("agentspanc_llm_calls_total", "LLM_CHAT_COMPLETE calls that ended, by provider and model.")
    }
    private static var llmTokens: MetricNameDescriptor {
        name(
            "agentspanc_llm_tokens_total",
            "Tokens the providers reported, by provider, model and kind (prompt or completion).")
    }
    private static var llmErrors: MetricNameDescriptor {
        name("agentspanc_llm_errors_total", "LLM_CHAT_COMPLETE calls that failed, by provider and model.")
    }
    private static var sseClients: MetricNameDescriptor {
        name(
            "agentspanc_sse_clients",
            "Server-Sent Events streams open, by stream (execution: /api/agent/stream, feed: /api/agent/events).")
    }
    private static var storeBytes: MetricNameDescriptor {
        name(
            "agentspanc_store_size_bytes", "Bytes of the SQLite store on disk, by file (database, wal).")
    }

    init() {
        for stream in ["execution", "feed"] { _ = registry.makeGauge(descriptor: Self.sseClients, labels: [("stream", stream)]) }
    }

    /// Counts a task that ended: its duration and queue wait, and for an LLM call its tokens or its failure.
    func record(_ update: JournalUpdate) {
        guard update.entry.kind == .taskEnded, let task = update.task else { return }
        let type = [("task_type", task.taskType)]
        registry.makeCounter(descriptor: Self.tasksEnded, labels: type + [("status", task.status.rawValue)]).increment()
        if let scheduled = task.scheduledTime, let started = task.startTime, started >= scheduled {
            registry.makeDurationHistogram(descriptor: Self.queueWait, labels: type, buckets: Self.durationBuckets)
                .record(.milliseconds(started - scheduled))
        }
        if let started = task.startTime, let ended = task.endTime, ended >= started {
            registry.makeDurationHistogram(descriptor: Self.taskDuration, labels: type, buckets: Self.durationBuckets)
                .record(.milliseconds(ended - started))
        }
        guard task.taskType == "LLM_CHAT_COMPLETE" else { return }
        let model = [
            ("provider", task.inputData["llmProvider"]?.stringValue ?? ""), ("model", task.inputData["model"]?.stringValue ?? ""),
        ]
        registry.makeCounter(descriptor: Self.llmCalls, labels: model).increment()
        if task.status == .completed {
            for (kind, key) in [("prompt", "promptTokens"), ("completion", "completionTokens")] {
                let tokens = task.outputData[key]?.intValue ?? 0
                registry.makeCounter(descriptor: Self.llmTokens, labels: model + [("kind", kind)]).increment(by: Int64(tokens))
            }
        } else {
            registry.makeCounter(descriptor: Self.llmErrors, labels: model).increment()
        }
    }

    /// One more (or one fewer) open event stream of `stream` (`execution` or `feed`).
    func sseClients(_ stream: String, change: Double) {
        registry.makeGauge(descriptor: Self.sseClients, labels: [("stream", stream)]).increment(by: change)
    }

    /// The text exposition, after reading the store's counts.
    func exposition(engine: WorkflowEngine) async throws -> [UInt8] {
        let statistics = try await engine.storeStatistics()
        let (staleExecutions, staleQueues) = seen.withLock { seen in
            let executions = Set(statistics.executions.map { [$0.workflowName, $0.status] })
            let queues = Set(statistics.queueDepths.keys)
            defer { seen = (seen.executions.union(executions), seen.queues.union(queues)) }
            return (seen.executions.subtracting(executions), seen.queues.subtracting(queues))
        }
        for count in statistics.executions {
            registry.makeGauge(descriptor: Self.executions, labels: [("agent", count.workflowName), ("status", count.status)])
                .set(Double(count.count))
        }
        for labels in staleExecutions {
            registry.makeGauge(descriptor: Self.executions, labels: [("agent", labels[0]), ("status", labels[1])]).set(to: 0)
        }
        for (queue, depth) in statistics.queueDepths {
            registry.makeGauge(descriptor: Self.queueDepth, labels: [("task_type", queue)]).set(Double(depth))
        }
        for queue in staleQueues {
            registry.makeGauge(descriptor: Self.queueDepth, labels: [("task_type", queue)]).set(to: 0)
        }
        registry.makeGauge(descriptor: Self.storeBytes, labels: [("file", "database")]).set(Double(statistics.databaseBytes))
        registry.makeGauge(descriptor: Self.storeBytes, labels: [("file", "wal")]).set(Double(statistics.walBytes))
        return registry.emitToBuffer()
    }
}
