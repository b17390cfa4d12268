import Foundation
import Synchronization
import Workflow

/// A committed journal entry together with the records it names, as its transaction committed them, so a live
/// consumer needs no read of its own (which could also see the database ahead of or behind the entry).
public struct JournalUpdate: Sendable {
    public var entry: JournalEntry
    /// The task of a task entry; nil for workflow entries and for a task the transaction deleted.
    public var task: ConductorTask?
    /// The execution the entry belongs to, without its tasks.
    public var workflow: WorkflowExecution?
}

/// Fans committed journal entries out to live subscribers.
final class JournalFeed: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<JournalEntry>.Continuation]>([:])
    private let updateSubscribers = Mutex<[UUID: AsyncStream<[JournalUpdate]>.Continuation]>([:])
    private let entryBatchSubscribers = Mutex<[UUID: AsyncStream<[JournalEntry]>.Continuation]>([:])

    func subscribe() -> AsyncStream<JournalEntry> {
        let (stream, continuation) = AsyncStream<JournalEntry>.makeStream(bufferingPolicy: .unbounded)
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// The entries of each commit, as one element.
    func subscribeEntryBatches() -> AsyncStream<[JournalEntry]> {
        let (stream, continuation) = AsyncStream<[JournalEntry]>.makeStream(bufferingPolicy: .unbounded)
        let id = UUID()
        entryBatchSubscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.entryBatchSubscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// The entries of each commit with their committed records, as one element (one wake-up of the consumer per
    /// commit, not per entry).
    func subscribeUpdates() -> AsyncStream<[JournalUpdate]> {
        let (stream, continuation) = AsyncStream<[JournalUpdate]>.makeStream(bufferingPolicy: .unbounded)
        let id = UUID()
        updateSubscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.updateSubscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Publishes the entries of one commit; `states` are the executions that commit touched, as committed.
    func publish(_ entries: [JournalEntry], states: [StateCache.Entry] = []) {
        guard !entries.isEmpty else { return }
        let all = subscribers.withLock { Array($0.values) }
        for c in all { for e in entries { c.yield(e) } }
        for c in entryBatchSubscribers.withLock({ Array($0.values) }) { c.yield(entries) }
        let withRecords = updateSubscribers.withLock { Array($0.values) }
        guard !withRecords.isEmpty else { return }
        let byID = Dictionary(states.map { ($0.record.execution.workflowId, $0) }, uniquingKeysWith: { _, last in last })
        let updates = entries.map { entry in
            let state = byID[entry.workflowID]
            var workflow = state?.record.execution
            workflow?.tasks = []
            let task = entry.taskID.flatMap { id in state?.tasks.first { $0.task.taskId == id }?.task }
            return JournalUpdate(entry: entry, task: task, workflow: workflow)
        }
        for c in withRecords { c.yield(updates) }
    }

    func finish() {
        let all = subscribers.withLock { s in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for c in all { c.finish() }
        let withRecords = updateSubscribers.withLock { s in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for c in withRecords { c.finish() }
        let batches = entryBatchSubscribers.withLock { s in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for c in batches { c.finish() }
    }
}
