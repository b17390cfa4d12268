/// One task attempt as the Conductor API returns it (poll, `GET /api/tasks/{id}`, `Workflow.tasks`).
public struct ConductorTask: Codable, Sendable, Hashable {
    public var taskId: String
    /// Queue name: the task name for worker tasks, the system type otherwise (`FORK` for forks).
    public var taskType: String
    public var taskDefName: String?
    public var referenceTaskName: String
    public var status: TaskStatus
    public var inputData: [String: JSONValue]
    public var outputData: [String: JSONValue]
    public var workflowInstanceId: String
    public var workflowType: String?
    public var correlationId: String?
    public var workflowPriority: Int?
    public var retryCount: Int?
    public var retriedTaskId: String?
    public var retried: Bool?
    public var executed: Bool?
    public var seq: Int?
    public var pollCount: Int?
    public var scheduledTime: Int64?
    public var startTime: Int64?
    public var endTime: Int64?
    public var updateTime: Int64?
    public var callbackAfterSeconds: Int?
    public var responseTimeoutSeconds: Int?
    public var workerId: String?
    public var domain: String?
    public var reasonForIncompletion: String?
    public var iteration: Int?
    public var subWorkflowId: String?
    public var parentTaskId: String?
    public var workflowTask: WorkflowTask?

    public init(
        taskId: String, taskType: String, referenceTaskName: String, status: TaskStatus,
        inputData: [String: JSONValue] = [:], outputData: [String: JSONValue] = [:], workflowInstanceId: String
    ) {
        self.taskId = taskId
        self.taskType = taskType
        self.referenceTaskName = referenceTaskName
        self.status = status
        self.inputData = inputData
        self.outputData = outputData
        self.workflowInstanceId = workflowInstanceId
    }
}

/// Body of `POST /api/tasks` and `POST /api/tasks/update-v2`: what a worker reports for a task.
public struct TaskResult: Codable, Sendable, Hashable {
    /// Statuses a worker may report.
    public enum Status: String, Codable, Sendable {
        case inProgress = "IN_PROGRESS"
        case completed = "COMPLETED"
        case failed = "FAILED"
        case failedWithTerminalError = "FAILED_WITH_TERMINAL_ERROR"
        case canceled = "CANCELED"
    }

    /// One log line attached to a result.
    public struct Log: Codable, Sendable, Hashable {
        public var log: String
        public var taskId: String?
        public var createdTime: Int64?
        public init(log: String, taskId: String? = nil, createdTime: Int64? = nil) {
            self.log = log
            self.taskId = taskId
            self.createdTime = createdTime
        }
    }

    public var workflowInstanceId: String
    public var taskId: String
    public var status: Status?
    public var outputData: [String: JSONValue]?
    public var reasonForIncompletion: String?
    public var callbackAfterSeconds: Int?
    public var workerId: String?
    public var logs: [Log]?
    public var extendLease: Bool?

    public init(
        workflowInstanceId: String, taskId: String, status: Status?, outputData: [String: JSONValue]? = nil,
        reasonForIncompletion: String? = nil, callbackAfterSeconds: Int? = nil, workerId: String? = nil,
        logs: [Log]? = nil, extendLease: Bool? = nil
    ) {
        self.workflowInstanceId = workflowInstanceId
        self.taskId = taskId
        self.status = status
        self.outputData = outputData
        self.reasonForIncompletion = reasonForIncompletion
        self.callbackAfterSeconds = callbackAfterSeconds
        self.workerId = workerId
        self.logs = logs
        self.extendLease = extendLease
    }
}
