import Logging
import Workflow

/// One call of a tool: the task's input plus the identifiers a tool may need.
public struct ToolInvocation: Sendable {
    /// The task input as the server sent it (internal keys not yet removed).
    public var input: [String: JSONValue]
    public var taskID: String
    /// The workflow execution id.
    public var executionID: String
    public var toolName: String
    /// The task reference name; with the execution id it identifies the logical step across retries.
    public var referenceTaskName: String
    /// 0 for the first attempt.
    public var attempt: Int
    public var logger: Logger
    /// The W3C `traceparent` of the call's span (when the worker traces), else the one the server sent; command
    /// tools get it as `TRACEPARENT`.
    public var traceparent: String?

    public init(
        input: [String: JSONValue], taskID: String, executionID: String, toolName: String,
        referenceTaskName: String = "", attempt: Int = 0, logger: Logger = Logger(label: "agentspanc.worker"),
        traceparent: String? = nil
    ) {
        self.input = input
        self.taskID = taskID
        self.executionID = executionID
        self.toolName = toolName
        self.referenceTaskName = referenceTaskName
        self.attempt = attempt
        self.logger = logger
        self.traceparent = traceparent
    }

    /// Stable across retries of the same step: `<executionID>:<referenceTaskName>`.
    public var idempotencyKey: String {
        "\(executionID):\(referenceTaskName.isEmpty ? taskID : referenceTaskName)"
    }

    init(task: ConductorTask, logger: Logger, traceparent: String?) {
        self.init(
            input: task.inputData, taskID: task.taskId, executionID: task.workflowInstanceId,
            toolName: task.taskDefName ?? task.taskType, referenceTaskName: task.referenceTaskName,
            attempt: task.retryCount ?? 0, logger: logger, traceparent: traceparent)
    }
}
