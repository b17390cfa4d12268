import AgentSpec
import Foundation
import Workflow

/// A task of an agent's workflows that a worker polls, not the server: the one answer to "which tasks does a
/// worker serve" that `compile`, the server's deploy, `doctor` and `agentspanc worker` all read.
public struct WorkerTask: Sendable, Hashable {
    /// What runs the task.
    public enum Kind: Sendable, Hashable {
        /// A `worker` or `cli` tool.
        case tool(ToolConfig)
        /// A deterministic system worker (termination, check-transfer, handoff check, selection).
        case system
        /// A swarm or hybrid transfer tool (a system worker the LLM calls, so the workflow names it dynamically).
        case transfer
        /// A task only user code can serve.
        case userCode(UserCodeKind, binding: ToolBinding?)
    }

    /// What a user-code task is for; decides how a bound command's output is shaped.
    public enum UserCodeKind: String, Sendable, Hashable {
        case stopWhen = "stop_when", gate, router, guardrail, callback, instructions, handoffCondition = "on_condition handoff"
    }

    /// The task name.
    public var name: String
    /// What runs it.
    public var kind: Kind
    /// The raw name of the agent it belongs to.
    public var agent: String
    /// Says what the task is, for listings: `stop_when of review`.
    public var label: String
    /// The task definition the compiler gives it (see ``AgentCompiler/taskDefinitions(_:)``).
    public var taskDefinition: TaskDef
}

extension AgentCompiler {
    /// The worker tasks of `config` in the order of the spec (the same task reached twice, as through a shared
    /// sub-agent, is listed once; two different tasks with one name both, for the worker to reject): per agent its `worker`/`cli` tools (and
    /// the agents of its `agent_tool`s), its system workers (§18.2), its user-code tasks, then its sub-agents
    /// (skipping `external` ones, whose tasks run elsewhere) — with the names the compiled workflow actually uses
    /// (the reference registers some under the raw agent name, §22.1, §22.24).
    public func workerTasks(_ config: AgentConfig) -> [WorkerTask] {
        var tasks: [WorkerTask] = []
        var seen: Set<WorkerTask> = []
        func walk(_ config: AgentConfig) {
            func add(_ name: String, _ kind: WorkerTask.Kind, _ label: String, tool: ToolConfig? = nil) {
                guard !name.isEmpty else { return }
                let def = Self.taskDefinition(name, binding: tool?.run, tool: tool)
                let task = WorkerTask(name: name, kind: kind, agent: config.name, label: "\(label) of \(config.name)", taskDefinition: def)
                if seen.insert(task).inserted { tasks.append(task) }
            }
            let agent = AgentUnit(config: config)
            for tool in config.tools {
                if tool.runsOnWorker { add(tool.name, .tool(tool), "tool", tool: tool) }
                if tool.effectiveType == "agent_tool", let child = tool.config?["agentConfig"], let childConfig = try? child.decode(AgentConfig.self) {
                    walk(childConfig)
                }
            }
            if config.termination != nil { add(SystemWorkerNames.termination(config.name), .system, "termination") }
            if !config.agents.isEmpty && !config.tools.isEmpty {
                add(SystemWorkerNames.hybridCheckTransfer(config.name), .system, "check_transfer")
                for sub in config.agents { add(SystemWorkerNames.hybridTransfer(config.name, to: sub.name), .transfer, "transfer tool") }
            } else if !config.agents.isEmpty && (config.strategy ?? "handoff") == "swarm" {
                add(SystemWorkerNames.handoffCheck(config.name), .system, "handoff check")
                let members = [config.name] + config.agents.map(\.name)
                for member in members { add(SystemWorkerNames.swarmCheckTransfer(member), .system, "check_transfer") }
                for a in members {
                    for b in members where a != b { add(SystemWorkerNames.swarmTransfer(a, to: b), .transfer, "transfer tool") }
                }
            } else if !config.agents.isEmpty && config.strategy == "manual" {
                add(SystemWorkerNames.processSelection(config.name), .system, "selection")
            }
            func user(_ name: String, _ kind: WorkerTask.UserCodeKind, _ label: String, _ binding: ToolBinding?) {
                add(name, .userCode(kind, binding: binding), label)
            }
            if let stopWhen = config.stopWhen { user(stopWhen.taskName, .stopWhen, "stop_when", stopWhen.run) }
            if let gate = config.gate, let task = gate.taskName { user(task, .gate, "gate", gate.run) }
            if case .worker(let router)? = config.router { user(router.taskName, .router, "router", router.run) }
            if let worker = agent.instructionsWorker { user(worker, .instructions, "dynamic instructions", nil) }
            if case .agent(let router)? = config.router, let worker = AgentUnit(config: router).instructionsWorker {
                user(worker, .instructions, "dynamic instructions of the router", nil)
            }
            for callback in config.callbacks ?? [] { user(callback.taskName, .callback, "\(callback.position) callback", callback.run) }
            for guardrail in (config.guardrails ?? []) + config.tools.flatMap({ $0.guardrails ?? [] }) {
                switch guardrail.guardrailType {
                case "custom": user(guardrail.taskName ?? guardrail.name, .guardrail, "custom guardrail \(guardrail.name)", guardrail.run)
                case "external": user(guardrail.name, .guardrail, "external guardrail", guardrail.run)
                default: break
                }
            }
            for handoff in config.handoffs ?? [] where handoff.type == "on_condition" {
                if let task = handoff.taskName { user(task, .handoffCondition, "on_condition handoff", nil) }
            }
            for sub in config.agents where sub.external != true { walk(sub) }
        }
        guard config.external != true else { return [] }
        walk(config)
        return tasks
    }

    /// The task definitions the workers of `config` need (§18.1), sorted by name: one per task name of
    /// ``workerTasks(_:)`` (the first).
    public func taskDefinitions(_ config: AgentConfig) -> [TaskDef] {
        var defs: [String: TaskDef] = [:]
        for task in workerTasks(config) where defs[task.name] == nil { defs[task.name] = task.taskDefinition }
        return defs.keys.sorted().map { defs[$0]! }
    }

    /// The task definition of a worker task: the server's defaults (2 linear-backoff retries 2 s apart, RETRY on a
    /// 3600 s response timeout); a tool's `run.timeoutSeconds` sets its response timeout, and a tool its
    /// ``ToolConfig/policy`` does not let retry (destructive, write without `idempotent: true`, `idempotent: false`)
    /// gets none.
    public static func taskDefinition(_ name: String, binding: ToolBinding? = nil, tool: ToolConfig? = nil) -> TaskDef {
        var def = TaskDef(
            name: name, description: tool?.description, retryCount: 2, retryLogic: "LINEAR_BACKOFF", retryDelaySeconds: 2,
            timeoutSeconds: 0, timeoutPolicy: "RETRY", responseTimeoutSeconds: 3600)
        let timeout = binding?.timeoutSeconds ?? tool?.timeoutSeconds.map(Double.init)
        if let timeout, timeout > 0 { def.responseTimeoutSeconds = Int(timeout.rounded(.up)) + 30 }
        if let tool, !tool.policy.retriable { def.retryCount = 0 } else if binding?.idempotent == false { def.retryCount = 0 }
        return def
    }

    /// Names of the worker tasks a compiled workflow schedules statically (§18.2): every SIMPLE task in the
    /// tree, inline sub-workflows included, in order; plus the transfer tools swarm and hybrid agents dispatch.
    public func requiredWorkers(_ config: AgentConfig) throws(CompileError) -> [String] {
        requiredWorkers(of: try compile(config), config: config)
    }

    /// ``requiredWorkers(_:)`` of a workflow already compiled from `config`.
    public func requiredWorkers(of def: WorkflowDef, config: AgentConfig) -> [String] {
        var names: [String] = []
        func add(_ name: String) { if !names.contains(name) { names.append(name) } }
        func walk(_ tasks: [WorkflowTask]) {
            for task in tasks {
                if task.type == "SIMPLE" { add(task.name) }
                walk(task.loopOver ?? [])
                for key in (task.decisionCases ?? [:]).keys.sorted() { walk(task.decisionCases![key]!) }
                walk(task.defaultCase ?? [])
                for branch in task.forkTasks ?? [] { walk(branch) }
                if let child = task.subWorkflowParam?.workflowDefinition { walk(child.tasks) }
            }
        }
        walk(def.tasks)
        for task in workerTasks(config) where task.kind == .transfer { add(task.name) }
        return names
    }
}
