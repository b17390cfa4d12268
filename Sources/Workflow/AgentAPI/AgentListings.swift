/// One agent deployed on a server (`GET /api/agent/list`).
public struct AgentSummary: Codable, Sendable, Hashable {
    public var name: String
    public var version: Int?
    /// `agent_sdk` metadata: who deployed it (e.g. `conductor`).
    public var type: String?
    public var description: String?
    public var createTime: Int64?
    public var updateTime: Int64?
}

/// One execution in a search (`GET /api/agent/executions`). `input` and `output` are JSON text, as Agentspan sends them.
public struct AgentExecutionSummary: Codable, Sendable, Hashable {
    public var executionId: String
    public var agentName: String
    public var version: Int?
    public var status: String
    public var startTime: Int64?
    public var endTime: Int64?
    public var input: String?
    public var output: String?
}

/// `GET /api/agent/executions`: `{totalHits, results}`.
public struct AgentExecutionSearch: Codable, Sendable, Hashable {
    public var totalHits: Int
    public var results: [AgentExecutionSummary]
}
