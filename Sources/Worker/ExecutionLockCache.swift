import AgentSpec
import Synchronization

/// The tool locks of executions a worker polled tasks of: read once per execution, since a workflow re-deployed
/// under the same name and version carries a new lock while the executions started before keep the old one.
final class ExecutionLockCache: Sendable {
    struct Entry: Sendable {
        /// The workflow's name.
        var workflow: String
        /// Its `metadata.toolLock`; nil when it has none (nothing to compare).
        var locks: [String: ToolFingerprint]?
        /// Tools whose drift was already logged for this execution (`--allow-drift`).
        var warned: Set<String> = []
    }

    /// Entries kept; the oldest go first.
    static let capacity = 512
    private let state = Mutex<(entries: [String: Entry], order: [String])>(([:], []))

    func entry(_ executionID: String) -> Entry? { state.withLock { $0.entries[executionID] } }

    func store(_ executionID: String, _ entry: Entry) {
        state.withLock { state in
            if state.entries.updateValue(entry, forKey: executionID) == nil { state.order.append(executionID) }
            if state.order.count > Self.capacity {
                state.entries[state.order.removeFirst()] = nil
            }
        }
    }

    /// True the first time `tool`'s drift is reported for `executionID`.
    func firstWarning(_ executionID: String, tool: String) -> Bool {
        state.withLock { $0.entries[executionID]?.warned.insert(tool).inserted ?? true }
    }
}
