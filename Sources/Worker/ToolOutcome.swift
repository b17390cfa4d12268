import Workflow

/// What running a tool once produced: the status to report, the output, and diagnostics.
public struct ToolOutcome: Sendable, Hashable {
    /// How the attempt ended.
    public enum Status: Sendable, Hashable {
        case completed
        /// A failure Conductor may retry (per the task definition's retry count).
        case failed
        /// A failure that must not be retried (bad arguments, timeouts, side-effecting tools).
        case failedWithTerminalError
    }

    public var status: Status
    public var output: [String: JSONValue]
    /// For failures: a reason the LLM can read.
    public var reason: String?
    /// Diagnostic lines attached to the task (stderr, exit code, truncation notes).
    public var logs: [String]

    public init(status: Status, output: [String: JSONValue] = [:], reason: String? = nil, logs: [String] = []) {
        self.status = status
        self.output = output
        self.reason = reason
        self.logs = logs
    }

    /// A successful attempt.
    public static func completed(_ output: [String: JSONValue], logs: [String] = []) -> ToolOutcome {
        ToolOutcome(status: .completed, output: output, logs: logs)
    }

    /// A retryable failure.
    public static func failed(_ reason: String, logs: [String] = []) -> ToolOutcome {
        ToolOutcome(status: .failed, reason: reason, logs: logs)
    }

    /// A failure that is never retried.
    public static func terminal(_ reason: String, logs: [String] = []) -> ToolOutcome {
        ToolOutcome(status: .failedWithTerminalError, reason: reason, logs: logs)
    }

    /// A call the worker stopped before it finished (graceful shutdown past its grace period, Ctrl-C of `run`):
    /// retryable for idempotent tools; terminal for `idempotent: false` ones, whose side effect may already have
    /// happened, so that the server never hands the call out again.
    public static func interrupted(_ tool: String, idempotent: Bool, logs: [String] = []) -> ToolOutcome {
        idempotent
            ? .failed("Tool '\(tool)' was interrupted before it finished (worker shutting down)", logs: logs)
            : .terminal(
                "Tool '\(tool)' was interrupted while running (the tool is not idempotent, so it is not run again)",
                logs: logs)
    }

    /// The Conductor status for this outcome.
    var taskResultStatus: TaskResult.Status {
        switch status {
        case .completed: return .completed
        case .failed: return .failed
        case .failedWithTerminalError: return .failedWithTerminalError
        }
    }

    /// Wraps a tool's return value as task output: objects as they are, anything else as `{"result": value}`.
    static func output(from value: JSONValue) -> [String: JSONValue] {
        if case .object(let object) = value { return object }
        return ["result": value]
    }
}
