/// Body of `POST /api/agent/compile`, `/deploy` and `/start`.
public struct AgentStartRequest: Codable, Sendable, Hashable {
    /// The agent config (camelCase Agentspan fields).
    public var agentConfig: JSONValue?
    public var prompt: String?
    public var sessionId: String?
    public var media: [String]?
    public var context: [String: JSONValue]?
    /// A RUNNING or COMPLETED execution started with the same key is returned instead of a new one.
    public var idempotencyKey: String?
    public var credentials: [String]?
    /// Overrides the config's `timeoutSeconds` when positive.
    public var timeoutSeconds: Int?
    /// Per-execution task domain of stateful tools.
    public var runId: String?
    public var framework: String?
    public var rawConfig: JSONValue?

    public init(
        agentConfig: JSONValue? = nil, prompt: String? = nil, sessionId: String? = nil, media: [String]? = nil,
        context: [String: JSONValue]? = nil, idempotencyKey: String? = nil, credentials: [String]? = nil,
        timeoutSeconds: Int? = nil, runId: String? = nil
    ) {
        self.agentConfig = agentConfig
        self.prompt = prompt
        self.sessionId = sessionId
        self.media = media
        self.context = context
        self.idempotencyKey = idempotencyKey
        self.credentials = credentials
        self.timeoutSeconds = timeoutSeconds
        self.runId = runId
    }
}

/// Response of `/api/agent/start` (with `executionId`) and `/api/agent/deploy` (without).
public struct AgentStartResponse: Codable, Sendable, Hashable {
    public var executionId: String?
    public var agentName: String
    /// System worker task names the execution needs (tool workers are not listed).
    public var requiredWorkers: [String]

    public init(executionId: String?, agentName: String, requiredWorkers: [String]) {
        self.executionId = executionId
        self.agentName = agentName
        self.requiredWorkers = requiredWorkers
    }
}

/// Response of `/api/agent/compile`.
public struct AgentCompileResponse: Codable, Sendable, Hashable {
    public var workflowDef: WorkflowDef
    public var requiredWorkers: [String]

    public init(workflowDef: WorkflowDef, requiredWorkers: [String]) {
        self.workflowDef = workflowDef
        self.requiredWorkers = requiredWorkers
    }
}

/// Response of `GET /api/agent/{id}/status`.
public struct AgentStatusResponse: Codable, Sendable, Hashable {
    public var executionId: String
    public var status: WorkflowStatus
    public var isComplete: Bool
    public var isRunning: Bool
    public var output: [String: JSONValue]?
    public var reasonForIncompletion: String?
    public var pendingTool: JSONValue?
    /// Present (true) only while a HUMAN task waits.
    public var isWaiting: Bool?
    /// The execution's failed tasks (sub-agents included, the last attempt of each), with where in the spec each
    /// comes from; absent when nothing failed.
    public var errors: [ExecutionFailure]?
    /// For an agent with a `budget:`: `{spent: {tokens, promptTokens, completionTokens, toolCalls, costUSD,
    /// wallSeconds}, limits: {maxTokens?, …}}` so far.
    public var budget: JSONValue?

    public init(
        executionId: String, status: WorkflowStatus, isComplete: Bool, isRunning: Bool,
        output: [String: JSONValue]? = nil, reasonForIncompletion: String? = nil, pendingTool: JSONValue? = nil,
        isWaiting: Bool? = nil
    ) {
        self.executionId = executionId
        self.status = status
        self.isComplete = isComplete
        self.isRunning = isRunning
        self.output = output
        self.reasonForIncompletion = reasonForIncompletion
        self.pendingTool = pendingTool
        self.isWaiting = isWaiting
    }
}

/// One failed task of an execution, as `GET /api/agent/{id}/status` lists it.
public struct ExecutionFailure: Codable, Sendable, Hashable {
    /// The execution the task belongs to (a sub-agent's own id for its tasks).
    public var executionId: String
    /// The task's reference name.
    public var taskRefName: String
    /// The tool's name, for a tool the model called.
    public var toolName: String?
    /// Why it failed.
    public var message: String
    /// Where in the spec it comes from, when the workflow has a source map.
    public var location: SpecLocation?

    /// Creates a failure.
    public init(executionId: String, taskRefName: String, toolName: String? = nil, message: String, location: SpecLocation? = nil) {
        self.executionId = executionId
        self.taskRefName = taskRefName
        self.toolName = toolName
        self.message = message
        self.location = location
    }
}
