import Engine
import Foundation
import Logging
import NIOCore
import Workflow

/// What a stream subscriber receives: events (with their SSE frame, encoded once for every subscriber), and
/// heartbeats that keep idle connections alive.
enum StreamItem: Sendable {
    case event(AgentStreamEvent, frame: ByteBuffer)
    case heartbeat
}

/// Derives agent events from the engine's journal and fans them out to stream subscribers.
///
/// Events are numbered per root execution (1, 2, 3 …) in journal order, including those of sub-workflows, so
/// `Last-Event-ID` resume works across reconnects and server restarts: the numbering is recomputed from the
/// durable journal, never stored. All work happens on one serial loop, so derivation never races.
///
/// Live entries come with the records their commit left (``JournalUpdate``), so an entry is derived once, without
/// a database read, and the same encoded frames go to every subscriber of the execution. The journal and the
/// records are read only when an execution is first asked for.
actor AgentEventHub {
    private struct Execution {
        var events: [AgentStreamEvent] = []
        /// How many of `events` the journal gave (their ids are 1 … n); pushed events do not count.
        var derived = 0
        var frames: [ByteBuffer] = []
        var lastSeq: Int64 = 0
        var subscribers: [UUID: AsyncStream<StreamItem>.Continuation] = [:]
        /// Set while the last event the journal gave is terminal (pushed events do not change it).
        var finishedAt: Date?
        /// A read of the journal found records not yet consistent with it; until the retry, the journal (not the
        /// live feed) is the source, so nothing is skipped or taken out of order.
        var awaitingRetry = false
    }

    private enum Work: Sendable {
        case entries([JournalUpdate])
        case subscribe(root: String, after: Int, id: UUID, continuation: AsyncStream<StreamItem>.Continuation)
        case unsubscribe(root: String, id: UUID)
        case heartbeat
        case history(root: String, reply: CheckedContinuation<[AgentStreamEvent], Never>)
        case retry(root: String)
        case push(root: String, AgentEventDeriver.Draft)
    }

    private let engine: WorkflowEngine
    private let logger: Logger
    private let deriver = AgentEventDeriver()
    private var executions: [String: Execution] = [:]
    private let work: AsyncStream<Work>
    private let workInput: AsyncStream<Work>.Continuation
    /// How long a finished execution's events stay in memory without subscribers.
    private let retention: TimeInterval = 300
    /// Source maps of executions that had a failure, by execution id (definitions do not change while they run).
    private var sourceMaps: [String: WorkflowSourceMap?] = [:]

    init(engine: WorkflowEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
        (work, workInput) = AsyncStream<Work>.makeStream()
    }

    /// Runs until cancelled: feeds journal updates and heartbeats into the serial loop and processes it.
    func run(heartbeatInterval: Duration = .seconds(15)) async {
        let feed = engine.journalRecords()
        let input = workInput
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await batch in feed { input.yield(.entries(batch)) }
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

    /// Adds an event a framework worker pushed (``FrameworkEvent``) to the stream of the execution it names (or of
    /// that execution's root, for a sub-workflow); dropped when no such execution exists.
    ///
    /// Pushed events live in memory only, as on Agentspan. So that the journal's numbering stays the same after a
    /// restart, a pushed event carries the id of the event before it: a client resuming after that id does not see
    /// it again, and a first connect sees everything.
    nonisolated func push(_ draft: AgentEventDeriver.Draft) async {
        var root = draft.executionId
        var hops = 0
        while hops < 64 {
            guard let execution = try? await engine.workflow(id: root, includeTasks: false) else { return }
            guard let parent = execution.parentWorkflowId else { break }
            root = parent
            hops += 1
        }
        workInput.yield(.push(root: root, draft))
    }

    private func process() async {
        for await item in work {
            switch item {
            case .entries(let updates):
                for update in updates { await live(update) }
            case .subscribe(let root, let after, let id, let continuation):
                await load(root)
                guard var execution = executions[root] else { continuation.finish(); continue }
                for (event, frame) in zip(execution.events, execution.frames) where event.id > after || after == 0 {
                    continuation.yield(.event(event, frame: frame))
                }
                if execution.finishedAt != nil {
                    continuation.finish()
                } else {
                    execution.subscribers[id] = continuation
                    executions[root] = execution
                }
            case .unsubscribe(let root, let id):
                executions[root]?.subscribers[id] = nil
            case .retry(let root):
                guard executions[root] != nil else { continue }
                executions[root]?.awaitingRetry = false
                await catchUp(root)
            case .push(let root, let draft):
                await load(root)
                guard var execution = executions[root] else { continue }
                let event = draft.event(id: execution.derived)
                let frame = ByteBuffer(string: AgentStreamRoutes.frame(event))
                execution.events.append(event)
                execution.frames.append(frame)
                for continuation in execution.subscribers.values { continuation.yield(.event(event, frame: frame)) }
                executions[root] = execution
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
        var drafts: [AgentEventDeriver.Draft] = []
        var lastSeq = after
        var incomplete = false
        for entry in entries {
            // An entry is turned into events only once the records it names are readable and consistent with
            // it; otherwise processing stops here and is retried shortly, so no event is ever skipped.
            guard let (task, workflow) = await records(for: entry) else {
                incomplete = true
                break
            }
            lastSeq = max(lastSeq, entry.seq)
            let failure = await locate(entry, task: task, workflow: workflow)
            drafts += deriver.events(for: entry, rootID: root, task: task, workflow: workflow, failure: failure)
        }
        if incomplete {
            executions[root]?.awaitingRetry = true
            let input = workInput
            Task {
                try? await Task.sleep(for: .milliseconds(20))
                input.yield(.retry(root: root))
            }
        }
        deliver(drafts, root: root, lastSeq: lastSeq)
    }

    /// Derives a live entry from the records it carries, unless the journal read of its execution covers it.
    private func live(_ update: JournalUpdate) async {
        let root = update.entry.rootWorkflowID
        guard let execution = executions[root], !execution.awaitingRetry, update.entry.seq > execution.lastSeq else { return }
        let (task, workflow) = Self.records(of: update)
        let failure = await locate(update.entry, task: task, workflow: workflow)
        deliver(
            deriver.events(for: update.entry, rootID: root, task: task, workflow: workflow, failure: failure), root: root,
            lastSeq: update.entry.seq)
    }

    /// What locates a failure of `entry` in the spec: the source map of a failed (or guardrail) task's execution,
    /// or the TERMINATE task that ended an execution. Nil for everything else (no read).
    private func locate(_ entry: JournalEntry, task: ConductorTask?, workflow: WorkflowExecution?) async -> FailureLocator.Located? {
        let locator = FailureLocator(engine: engine)
        switch entry.kind {
        case .taskEnded:
            guard let task, FailureLocator.failedStatuses.contains(task.status) || task.referenceTaskName.contains("guardrail")
            else { return nil }
            if sourceMaps.count > 1000 { sourceMaps = [:] }
            if let cached = sourceMaps[entry.workflowID] { return FailureLocator.Located(sourceMap: cached) }
            let map = await locator.sourceMap(of: entry.workflowID)
            sourceMaps[entry.workflowID] = map
            return FailureLocator.Located(sourceMap: map)
        case .workflowEnded:
            guard let workflow, workflow.status.isTerminal, workflow.status != .completed else { return nil }
            return await locator.terminator(of: workflow)
        default:
            return nil
        }
    }

    /// Numbers the drafts, encodes each frame once and hands it to every subscriber; ends them after the terminal
    /// event.
    private func deliver(_ drafts: [AgentEventDeriver.Draft], root: String, lastSeq: Int64) {
        guard var execution = executions[root] else { return }
        execution.lastSeq = max(execution.lastSeq, lastSeq)
        for draft in drafts {
            execution.derived += 1
            let event = draft.event(id: execution.derived)
            let frame = ByteBuffer(string: AgentStreamRoutes.frame(event))
            execution.events.append(event)
            execution.frames.append(frame)
            for continuation in execution.subscribers.values { continuation.yield(.event(event, frame: frame)) }
            if isTerminal(event, root: root) {
                for continuation in execution.subscribers.values { continuation.finish() }
                execution.subscribers = [:]
                execution.finishedAt = Date()
            } else {
                // Running again (a retry or restart after the end).
                execution.finishedAt = nil
            }
        }
        executions[root] = execution
    }

    /// The records of a live entry, by the rules of ``records(for:)``: a task deleted, or an end undone, within the
    /// same commit has nothing to show.
    static func records(of update: JournalUpdate) -> (ConductorTask?, WorkflowExecution?) {
        if update.entry.taskID != nil {
            guard let task = update.task else { return (nil, nil) }
            if update.entry.kind == .taskEnded && !task.status.isTerminal { return (nil, nil) }
            return (task, nil)
        }
        return (nil, update.workflow)
    }

    /// The task or execution an entry names, once they reflect the entry (nil: not yet, or unreadable).
    private func records(for entry: JournalEntry) async -> (ConductorTask?, WorkflowExecution?)? {
        do {
            if let taskID = entry.taskID {
                // Restart deletes the tasks of an execution; their old entries have nothing to show.
                guard let task = try await engine.task(id: taskID) else { return (nil, nil) }
                if entry.kind == .taskEnded && !task.status.isTerminal {
                    // Reset in place by a later retry: the old end is history. Otherwise the read is behind.
                    return (task.updateTime ?? 0) > entry.time ? (nil, nil) : nil
                }
                return (task, nil)
            }
            let workflow = try await engine.workflow(id: entry.workflowID, includeTasks: false)
            if entry.kind == .workflowEnded, let workflow, !workflow.status.isTerminal {
                // Running again after this end (retry, restart) makes it history; otherwise the read is behind.
                return (workflow.updateTime ?? 0) > entry.time ? (nil, workflow) : nil
            }
            return (nil, workflow)
        } catch {
            logger.debug("journal records not readable yet", metadata: ["entry": "\(entry.seq)", "error": "\(error)"])
            return nil
        }
    }

    private func isTerminal(_ event: AgentStreamEvent, root: String) -> Bool {
        event.ends(root)
    }

    private func evictFinished() {
        let now = Date()
        executions = executions.filter { _, execution in
            guard let finished = execution.finishedAt, execution.subscribers.isEmpty else { return true }
            return now.timeIntervalSince(finished) < retention
        }
    }
}
