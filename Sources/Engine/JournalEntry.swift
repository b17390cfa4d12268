/// One durable, append-only record of a state change, committed in the same transaction as the change.
public struct JournalEntry: Sendable, Hashable, Codable {
    /// What changed.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case workflowStarted, taskScheduled
        /// A task went IN_PROGRESS: polled by a worker, a HUMAN/WAIT waiting, a SUB_WORKFLOW child started,
        /// an LLM/HTTP call started.
        case taskStarted
        /// A task reached a terminal status.
        case taskEnded
        case workflowPaused, workflowResumed
        /// The execution reached COMPLETED, FAILED, TERMINATED or TIMED_OUT.
        case workflowEnded
    }

    /// Global, ascending sequence number.
    public var seq: Int64
    /// The top-level execution (itself for a top-level execution).
    public var rootWorkflowID: String
    public var workflowID: String
    public var parentWorkflowID: String?
    /// The task attempt, for task entries.
    public var taskID: String?
    public var kind: Kind
    /// Epoch milliseconds.
    public var time: Int64

    public init(
        seq: Int64, rootWorkflowID: String, workflowID: String, parentWorkflowID: String?, taskID: String?, kind: Kind,
        time: Int64
    ) {
        self.seq = seq
        self.rootWorkflowID = rootWorkflowID
        self.workflowID = workflowID
        self.parentWorkflowID = parentWorkflowID
        self.taskID = taskID
        self.kind = kind
        self.time = time
    }
}
