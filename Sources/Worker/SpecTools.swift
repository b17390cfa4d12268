import AgentCompiler
import AgentSpec
import Workflow

/// The worker tools found in agent specs: the ones the generic worker can serve (bound with `run:`) and the
/// ones it cannot (no binding; some other process must poll them).
public struct SpecTools: Sendable, Hashable {
    public var bound: [WorkerToolDefinition] = []
    /// `agent/tool` names of worker tools without a `run:` binding.
    public var unbound: [String] = []
    /// The deterministic system workers the compiled workflows call (termination, transfers, handoff checks, …).
    public var systemWorkers: [SystemWorkerDefinition] = []
    /// Worker tasks of the specs that only user code can serve and that have no `run:` binding, as
    /// `task name (what it is)`.
    public var userCodeTasks: [String] = []
    /// User-code tasks (stop_when, gates, routers, custom guardrails, callbacks) bound with `run:`.
    public var userCodeWorkers: [UserCodeTask] = []

    public init() {}

    /// Adds the worker tasks of `agent` and its sub-agents, as the compiler lists them
    /// (``AgentCompiler/workerTasks(_:)``; `external` agents' tasks run elsewhere). A tool's `timeoutSeconds`
    /// applies when its binding sets none. The same tool reached twice (a shared sub-agent) is kept once; two
    /// different tools with one name are an error.
    public mutating func add(_ agent: AgentConfig, baseDirectory: String) throws(WorkerConfigurationError) {
        guard agent.external != true else { return }
        try addSystemWorkers(of: agent)
        for task in AgentCompiler().workerTasks(agent) {
            switch task.kind {
            case .tool(let tool): try addTool(tool, of: task.agent, baseDirectory: baseDirectory)
            case .userCode(let kind, let binding):
                try addUserCode(UserCodeTask(name: task.name, kind: kind, label: task.label, binding: binding, baseDirectory: baseDirectory))
            case .system, .transfer: break
            }
        }
    }

    /// Adds one `worker` or `cli` tool: bound (served here) or unbound (listed as `agent/tool`).
    private mutating func addTool(_ tool: ToolConfig, of agent: String, baseDirectory: String) throws(WorkerConfigurationError) {
        guard var binding = tool.run else {
            let label = "\(agent)/\(tool.name)"
            if !unbound.contains(label) { unbound.append(label) }
            return
        }
        if binding.timeoutSeconds == nil, let seconds = tool.timeoutSeconds { binding.timeoutSeconds = Double(seconds) }
        // The effects policy decides retries: a destructive or non-idempotent write is never retried.
        if !tool.policy.retriable { binding.idempotent = false } else if binding.idempotent == false { binding.idempotent = true }
        var definition = WorkerToolDefinition(
            name: tool.name, description: tool.description ?? "", inputSchema: tool.inputSchema, binding: binding,
            baseDirectory: baseDirectory)
        definition.lock = ToolFingerprint(tool: tool, baseDirectory: baseDirectory)
        definition.effect = tool.effects
        try Self.appendOnce(
            definition, to: &bound, name: \.name,
            conflict: "defined twice with different settings (tool names are task names and must be unique)")
    }

    /// Appends `item` unless an equal one with the same task name is there; a different one is an error.
    static func appendOnce<Item: Equatable>(
        _ item: Item, to list: inout [Item], name: KeyPath<Item, String>, conflict: String
    ) throws(WorkerConfigurationError) {
        let taskName = item[keyPath: name]
        if let existing = list.first(where: { $0[keyPath: name] == taskName }) {
            guard existing == item else { throw WorkerConfigurationError(tool: taskName, message: conflict) }
            return
        }
        list.append(item)
    }

    /// Whether a worker built from these specs has anything to poll.
    public var isEmpty: Bool { bound.isEmpty && systemWorkers.isEmpty && userCodeWorkers.isEmpty }

    /// The executors a worker serving these specs needs besides the bound tools: the system workers and the
    /// user-code tasks bound with `run:`.
    public func executors() throws(WorkerConfigurationError) -> [any ToolExecutor] {
        var executors: [any ToolExecutor] = systemWorkers.map(\.executor)
        for task in userCodeWorkers { executors.append(try task.executor()) }
        return executors
    }
}
