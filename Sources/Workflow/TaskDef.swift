/// A Conductor task definition (`/api/metadata/taskdefs`): retry, timeout and rate-limit settings of a task name.
public struct TaskDef: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var retryCount: Int?
    public var retryLogic: String?
    public var retryDelaySeconds: Int?
    public var backoffScaleFactor: Int?
    public var maxRetryDelaySeconds: Int?
    public var timeoutSeconds: Int?
    public var timeoutPolicy: String?
    public var responseTimeoutSeconds: Int?
    public var pollTimeoutSeconds: Int?
    public var concurrentExecLimit: Int?
    public var rateLimitPerFrequency: Int?
    public var rateLimitFrequencyInSeconds: Int?
    public var inputTemplate: [String: JSONValue]?
    public var inputKeys: [String]?
    public var outputKeys: [String]?
    public var ownerEmail: String?
    public var inputSchema: JSONValue?
    public var outputSchema: JSONValue?
    /// The `run:` binding of the agentspanc worker that registered this task (environment values left out), for
    /// display; not a Conductor field (Conductor servers ignore it).
    public var workerBinding: JSONValue?
    /// The tool-lock hash of what that worker serves (not a Conductor field), compared with the workflows'
    /// `metadata.toolLock` by the agent plan route.
    public var workerLock: String?
    public var createTime: Int64?
    public var updateTime: Int64?

    public init(
        name: String, description: String? = nil, retryCount: Int? = nil, retryLogic: String? = nil,
        retryDelaySeconds: Int? = nil, timeoutSeconds: Int? = nil, timeoutPolicy: String? = nil,
        responseTimeoutSeconds: Int? = nil, pollTimeoutSeconds: Int? = nil, concurrentExecLimit: Int? = nil
    ) {
        self.name = name
        self.description = description
        self.retryCount = retryCount
        self.retryLogic = retryLogic
        self.retryDelaySeconds = retryDelaySeconds
        self.timeoutSeconds = timeoutSeconds
        self.timeoutPolicy = timeoutPolicy
        self.responseTimeoutSeconds = responseTimeoutSeconds
        self.pollTimeoutSeconds = pollTimeoutSeconds
        self.concurrentExecLimit = concurrentExecLimit
    }
}
