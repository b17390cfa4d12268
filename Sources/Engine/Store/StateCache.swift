import Synchronization
import Workflow

/// Committed state of running executions, so a transaction does not decode them from SQLite again.
///
/// Entries are replaced only after their transaction committed (on the writer queue, before the next write
/// starts), so the cache never runs ahead of or behind the database. Ended executions are dropped.
final class StateCache: Sendable {
    struct Entry: Sendable {
        var record: ExecutionRecord
        var tasks: [TaskRecord]
        var index: DefinitionIndex
        var definition: WorkflowDef
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 5_000) {
        self.capacity = capacity
    }

    func entry(_ id: String) -> Entry? {
        entries.withLock { $0[id] }
    }

    func store(_ updates: [Entry]) {
        guard !updates.isEmpty else { return }
        entries.withLock { entries in
            for e in updates {
                if e.record.execution.status.isTerminal {
                    entries.removeValue(forKey: e.record.execution.workflowId)
                } else {
                    if entries.count >= capacity, entries[e.record.execution.workflowId] == nil {
                        entries.removeValue(forKey: entries.keys.first!)
                    }
                    entries[e.record.execution.workflowId] = e
                }
            }
        }
    }
}
