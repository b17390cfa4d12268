/// Status of one task attempt (Conductor's `Task.Status`).
public enum TaskStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case scheduled = "SCHEDULED"
    case inProgress = "IN_PROGRESS"
    case completed = "COMPLETED"
    case completedWithErrors = "COMPLETED_WITH_ERRORS"
    case failed = "FAILED"
    case failedWithTerminalError = "FAILED_WITH_TERMINAL_ERROR"
    case timedOut = "TIMED_OUT"
    case canceled = "CANCELED"
    case skipped = "SKIPPED"

    /// No further transition happens to this attempt.
    public var isTerminal: Bool { !(self == .scheduled || self == .inProgress) }
    /// The attempt counts as a success for the decider.
    public var isSuccessful: Bool {
        switch self {
        case .scheduled, .inProgress, .completed, .completedWithErrors, .skipped: return true
        default: return false
        }
    }
    /// A failed attempt may be retried.
    public var isRetriable: Bool {
        switch self {
        case .skipped, .failedWithTerminalError, .canceled: return false
        default: return true
        }
    }
}

/// Status of a workflow execution.
public enum WorkflowStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case running = "RUNNING"
    case paused = "PAUSED"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case terminated = "TERMINATED"

    /// The execution has ended.
    public var isTerminal: Bool { !(self == .running || self == .paused) }
    /// The execution ended successfully.
    public var isSuccessful: Bool { self == .completed || self == .paused || self == .running }
}
