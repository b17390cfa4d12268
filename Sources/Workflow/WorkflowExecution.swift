/// A workflow execution as `GET /api/workflow/{id}` returns it.
public struct WorkflowExecution: Codable, Sendable, Hashable {
    public var workflowId: String
    public var workflowName: String
    public var workflowVersion: Int?
    public var status: WorkflowStatus
    public var input: [String: JSONValue]
    public var output: [String: JSONValue]
    public var variables: [String: JSONValue]
    public var tasks: [ConductorTask]
    public var correlationId: String?
    public var priority: Int?
    public var parentWorkflowId: String?
    public var parentWorkflowTaskId: String?
    public var reasonForIncompletion: String?
    public var failedReferenceTaskNames: [String]?
    public var createTime: Int64?
    public var startTime: Int64?
    public var updateTime: Int64?
    public var endTime: Int64?
    public var workflowDefinition: WorkflowDef?
    /// Task name → domain routing of this execution (`*` for every task), as given at start or inherited.
    public var taskToDomain: [String: String]?

    public init(
        workflowId: String, workflowName: String, workflowVersion: Int? = 1, status: WorkflowStatus,
        input: [String: JSONValue] = [:], output: [String: JSONValue] = [:], variables: [String: JSONValue] = [:],
        tasks: [ConductorTask] = []
    ) {
        self.workflowId = workflowId
        self.workflowName = workflowName
        self.workflowVersion = workflowVersion
        self.status = status
        self.input = input
        self.output = output
        self.variables = variables
        self.tasks = tasks
    }
}

/// Body of `POST /api/workflow`: start a workflow by name or with an inline definition.
public struct StartWorkflowRequest: Codable, Sendable, Hashable {
    public var name: String
    public var version: Int?
    public var correlationId: String?
    public var input: [String: JSONValue]?
    public var taskToDomain: [String: String]?
    public var workflowDef: WorkflowDef?
    public var priority: Int?
    public var idempotencyKey: String?

    public init(
        name: String, version: Int? = nil, correlationId: String? = nil, input: [String: JSONValue]? = nil,
        taskToDomain: [String: String]? = nil, workflowDef: WorkflowDef? = nil, priority: Int? = nil,
        idempotencyKey: String? = nil
    ) {
        self.name = name
        self.version = version
        self.correlationId = correlationId
        self.input = input
        self.taskToDomain = taskToDomain
        self.workflowDef = workflowDef
        self.priority = priority
        self.idempotencyKey = idempotencyKey
    }
}
