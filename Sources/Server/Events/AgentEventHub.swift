import Engine
import Foundation
import Logging
import Workflow

/// What a stream subscriber receives: events, and heartbeats that keep idle connections alive.
enum StreamItem: Sendable {
    case event(AgentStreamEvent)
    case heartbeat
}

/// Derives agent events from the engine's journal and fans them out to stream subscribers.
///
/// Events are numbered per root execution (1, 2, 3 …) in journal order, including those of sub-workflows, so
/// `Last-Event-ID` resume works across reconnects and server restarts: the numbering is recomputed from the
/// durable journal, never stored. All work happens on one serial loop, so derivation never races.
actor AgentEventHub {
    private struct Execution {
        var events: [AgentStreamEvent] = []
        var lastSeq: Int64 = 0
        var subscribers: [UUID: AsyncStream<StreamItem>.Continuation] = [:]
        var finishedAt: Date?
    }

    private enum Work: Sendable {
        case entry(JournalEntry)
        case subscribe(root: String, after: Int, id: UUID, continuation: AsyncStream<StreamItem>.Continuation)
        case unsubscribe(root: String, id: UUID)
        case heartbeat
        case history(root: String, reply: CheckedContinuation<[AgentStreamEvent], Never>)
    }

    private let engine: WorkflowEngine
    private let logger: Logger
    private let deriver = AgentEventDeriver()
    private var executions: [String: Execution] = [:]
    private let work: AsyncStream<Work>
    private let workInput: AsyncStream<Work>.Continuation
    /// How long a finished execution's events stay in memory without subscribers.
    private let retention: TimeInterval = 300

    init(engine: WorkflowEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
        (work, workInput) = AsyncStream<Work>.makeStream()
    }

    /// Runs until cancelled: feeds journal updates and heartbeats into the serial loop and processes it.
    func run(heartbeatInterval: Duration = .seconds(15)) async {
        let feed = engine.journalUpdates()
        let input = workInput
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await entry in feed { input.yield(.entry(entry)) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeatInterval)
                    input.yield(.heartbeat)
                }
            }
            group.addTask { [self] in await self.process() }
            await group.next()
            group.cancelAll()
        }
        for (_, execution) in executions { for continuation in execution.subscribers.values { continuation.finish() } }
    }

    /// Events of `executionID` after `lastEventID`, then live ones; the sequence ends after the terminal event.
    nonisolated func subscribe(executionID: String, after lastEventID: Int) -> AsyncStream<StreamItem> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<StreamItem>.makeStream(bufferingPolicy: .unbounded)
        let input = workInput
        continuation.onTermination = { _ in input.yield(.unsubscribe(root: executionID, id: id)) }
        input.yield(.subscribe(root: executionID, after: lastEventID, id: id, continuation: continuation))
        return stream
    }

    /// Every event of an execution so far (used by `run` without streaming and by tests).
    nonisolated func history(executionID: String) async -> [AgentStreamEvent] {
        let input = workInput
        return await withCheckedContinuation { reply in input.yield(.history(root: executionID, reply: reply)) }
    }

    private func process() async {
        for await item in work {
            switch item {
            case .entry(let entry):
                guard executions[entry.rootWorkflowID] != nil else { continue }
                await catchUp(entry.rootWorkflowID)
            case .subscribe(let root, let after, let id, let continuation):
                await load(root)
                guard var execution = executions[root] else { continuation.finish(); continue }
                for event in execution.events where event.id > after { continuation.yield(.event(event)) }
                if execution.events.last.map({ isTerminal($0, root: root) }) == true {
                    continuation.finish()
                } else {
                    execution.subscribers[id] = continuation
                    executions[root] = execution
                }
            case .unsubscribe(let root, let id):
                executions[root]?.subscribers[id] = nil
            case .history(let root, let reply):
                await load(root)
                reply.resume(returning: executions[root]?.events ?? [])
            case .heartbeat:
                for (_, execution) in executions { for continuation in execution.subscribers.values { continuation.yield(.heartbeat) } }
                evictFinished()
            }
        }
    }

    /// Loads an execution the first time someone asks for it.
    private func load(_ root: String) async {
        if executions[root] == nil { executions[root] = Execution() }
        await catchUp(root)
    }

    /// Derives events of journal entries not seen yet and hands them to subscribers.
    private func catchUp(_ root: String) async {
        guard let after = executions[root]?.lastSeq else { return }
        let entries: [JournalEntry]
        do {
            entries = try await engine.journal(rootWorkflowID: root, afterSeq: after)
        } catch {
            logger.warning("cannot read the journal", metadata: ["executionId": "\(root)", "error": "\(error)"])
            return
        }
        guard !entries.isEmpty else { return }
        var fresh: [AgentStreamEvent] = []
        var next = (executions[root]?.events.count ?? 0) + 1
        var lastSeq = after
        for entry in entries {
            lastSeq = max(lastSeq, entry.seq)
            let task: ConductorTask? = entry.taskID == nil ? nil : try? await engine.task(id: entry.taskID!)
            let workflow: WorkflowExecution? =
                entry.taskID == nil ? try? await engine.workflow(id: entry.workflowID, includeTasks: false) : nil
            for draft in deriver.events(for: entry, rootID: root, task: task, workflow: workflow) {
                fresh.append(draft.event(id: next))
                next += 1
            }
        }
        guard var execution = executions[root] else { return }
        execution.lastSeq = lastSeq
        execution.events.append(contentsOf: fresh)
        for event in fresh {
            for continuation in execution.subscribers.values { continuation.yield(.event(event)) }
            if isTerminal(event, root: root) {
                for continuation in execution.subscribers.values { continuation.finish() }
                execution.subscribers = [:]
                execution.finishedAt = Date()
            }
        }
        executions[root] = execution
    }

    private func isTerminal(_ event: AgentStreamEvent, root: String) -> Bool {
        event.executionId == root && event.isTerminal
    }

    private func evictFinished() {
        let now = Date()
        executions = executions.filter { _, execution in
            guard let finished = execution.finishedAt, execution.subscribers.isEmpty else { return true }
            return now.timeIntervalSince(finished) < retention
        }
    }
}
