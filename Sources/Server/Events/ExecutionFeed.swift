import Engine
import Foundation
import Logging
import Workflow

/// What a subscriber of the server-wide feed receives.
enum ExecutionFeedItem: Sendable {
    /// The current summary of executions that changed (same shape as a search row).
    case changed([JSONValue])
    case heartbeat
}

/// The server-wide live feed behind `GET /api/agent/events`: which executions changed, with their new summary.
///
/// One subscription to the engine's journal serves every subscriber: changes are gathered for a short window
/// (`batchInterval`) and the changed executions (and their roots, whose token sums include sub-agents) are read
/// with one search, however many dashboards listen. Nothing is read while nobody listens.
actor ExecutionFeed {
    private let engine: WorkflowEngine
    private let logger: Logger
    private var subscribers: [UUID: AsyncStream<ExecutionFeedItem>.Continuation] = [:]
    private var pending: Set<String> = []
    private var flushScheduled = false
    private let batchInterval: Duration

    init(engine: WorkflowEngine, logger: Logger, batchInterval: Duration = .milliseconds(50)) {
        self.engine = engine
        self.logger = logger
        self.batchInterval = batchInterval
    }

    /// Runs until cancelled: follows the journal and sends heartbeats.
    func run(heartbeatInterval: Duration = .seconds(15)) async {
        let updates = engine.journalUpdates()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await entry in updates { await self.note(entry) }
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

    private func note(_ entry: JournalEntry) {
        guard !subscribers.isEmpty else { return }
        pending.insert(entry.workflowID)
        pending.insert(entry.rootWorkflowID)
        if let parent = entry.parentWorkflowID { pending.insert(parent) }
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
        let ids = Array(pending)
        pending = []
        guard !ids.isEmpty, !subscribers.isEmpty else { return }
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
        if !rows.isEmpty { broadcast(.changed(rows)) }
    }

    private func broadcast(_ item: ExecutionFeedItem) {
        for continuation in subscribers.values { continuation.yield(item) }
    }
}
