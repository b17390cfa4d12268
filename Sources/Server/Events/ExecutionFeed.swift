import Engine
import Foundation
import Logging
import Workflow

/// What a subscriber of the server-wide feed receives.
enum ExecutionFeedItem: Sendable {
    /// SSE frames (`event:execution`) with the current summary of executions that changed, encoded once for all.
    case changed(String)
    case heartbeat
}

/// The server-wide live feed behind `GET /api/agent/events`: which executions changed, with their new summary.
///
/// One subscription to the engine's journal serves every subscriber: changes are gathered for a short window
/// (`batchInterval`) and the changed executions (and their parents and roots, whose token sums include them) are
/// read with one search and encoded once, however many dashboards listen. A task's end matters only when it was an
/// LLM call (token sums); other tasks change no summary and cost one indexed type lookup. Nothing is read while
/// nobody listens.
actor ExecutionFeed {
    private let engine: WorkflowEngine
    private let logger: Logger
    private var subscribers: [UUID: AsyncStream<ExecutionFeedItem>.Continuation] = [:]
    private var pending: Set<String> = []
    /// Ended tasks whose executions change only if the task was an LLM call: task id → the ids it would refresh.
    private var pendingTasks: [String: [String]] = [:]
    private var flushScheduled = false
    private let batchInterval: Duration

    init(engine: WorkflowEngine, logger: Logger, batchInterval: Duration = .milliseconds(100)) {
        self.engine = engine
        self.logger = logger
        self.batchInterval = batchInterval
    }

    /// Runs until cancelled: follows the journal and sends heartbeats.
    func run(heartbeatInterval: Duration = .seconds(15)) async {
        let updates = engine.journalBatches()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await batch in updates { await self.note(batch) }
            }
            group.addTask { [self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeatInterval)
                    await self.broadcast(.heartbeat)
                }
            }
            await group.next()
            group.cancelAll()
        }
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }

    /// Changes from now on, until the client goes away.
    func subscribe() -> AsyncStream<ExecutionFeedItem> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<ExecutionFeedItem>.makeStream(bufferingPolicy: .bufferingNewest(256))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.remove(id) }
        }
        subscribers[id] = continuation
        return stream
    }

    /// How many clients listen (benchmark and tests).
    var subscriberCount: Int { subscribers.count }

    private func remove(_ id: UUID) {
        subscribers[id] = nil
    }

    /// Entries that can change a summary (status, end, token sums); task schedules and starts cannot.
    private static let relevant: Set<JournalEntry.Kind> = [.workflowStarted, .workflowEnded, .workflowPaused, .workflowResumed, .taskEnded]

    private func note(_ entries: [JournalEntry]) {
        guard !subscribers.isEmpty else { return }
        for entry in entries { note(entry) }
    }

    private func note(_ entry: JournalEntry) {
        guard Self.relevant.contains(entry.kind) else { return }
        let affected = [entry.workflowID, entry.rootWorkflowID] + (entry.parentWorkflowID.map { [$0] } ?? [])
        if entry.kind == .taskEnded, let task = entry.taskID {
            pendingTasks[task] = affected
        } else {
            pending.formUnion(affected)
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        let interval = batchInterval
        Task { [self] in
            try? await Task.sleep(for: interval)
            await self.flush()
        }
    }

    private func flush() async {
        flushScheduled = false
        var changed = pending
        let tasks = pendingTasks
        pending = []
        pendingTasks = [:]
        guard !subscribers.isEmpty else { return }
        if !tasks.isEmpty {
            do {
                for (task, type) in try await engine.taskTypes(ids: Array(tasks.keys)) where type == "LLM_CHAT_COMPLETE" {
                    changed.formUnion(tasks[task] ?? [])
                }
            } catch {
                logger.warning("live feed cannot read tasks", metadata: ["error": "\(error)"])
            }
        }
        let ids = Array(changed)
        guard !ids.isEmpty else { return }
        var rows: [JSONValue] = []
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            var query = ExecutionSearchQuery()
            query.ids = chunk
            query.size = chunk.count
            do {
                rows += try await engine.searchExecutions(query).results.map(ExecutionSearchRoutes.json)
            } catch {
                logger.warning("live feed cannot read executions", metadata: ["error": "\(error)"])
            }
        }
        guard !rows.isEmpty else { return }
        broadcast(.changed(rows.map { "event:execution\ndata:\($0.jsonText())\n\n" }.joined()))
    }

    private func broadcast(_ item: ExecutionFeedItem) {
        for continuation in subscribers.values { continuation.yield(item) }
    }
}
