import AgentSpec
import Foundation
import Workflow

extension AgentCompiler {
    /// The task definitions the workers of `config` need (§18.1), sorted by name: every worker tool, callback,
    /// stop_when, termination, custom guardrail, gate, dynamic-instructions, router, handoff-check,
    /// selection and transfer task — with the names the compiled workflow actually uses (the reference
    /// registers some under the raw agent name, §22.1, §22.24).
    ///
    /// Defaults are the server's (2 linear-backoff retries 2 s apart, RETRY on a 3600 s response timeout); a
    /// tool's `run.timeoutSeconds` sets its response timeout, and a tool its ``ToolConfig/policy`` does not let
    /// retry (destructive, write without `idempotent: true`, `idempotent: false`) gets none.
    public func taskDefinitions(_ config: AgentConfig) -> [TaskDef] {
        var defs: [String: TaskDef] = [:]
        func add(_ name: String, binding: ToolBinding? = nil, tool: ToolConfig? = nil) {
            guard !name.isEmpty, defs[name] == nil else { return }
            var def = TaskDef(
                name: name, description: tool?.description, retryCount: 2, retryLogic: "LINEAR_BACKOFF", retryDelaySeconds: 2,
                timeoutSeconds: 0, timeoutPolicy: "RETRY", responseTimeoutSeconds: 3600)
            let timeout = binding?.timeoutSeconds ?? tool?.timeoutSeconds.map(Double.init)
            if let timeout, timeout > 0 { def.responseTimeoutSeconds = Int(timeout.rounded(.up)) + 30 }
            if let tool, !tool.policy.retriable { def.retryCount = 0 } else if binding?.idempotent == false { def.retryCount = 0 }
            defs[name] = def
        }
        func walk(_ config: AgentConfig) {
            let agent = AgentUnit(config: config)
            let r = agent.r
            for tool in config.tools {
                if tool.effectiveType == "worker" || tool.effectiveType == "cli" { add(tool.name, binding: tool.run, tool: tool) }
                if tool.effectiveType == "agent_tool", let child = tool.config?["agentConfig"], let childConfig = try? child.decode(AgentConfig.self) {
                    walk(childConfig)
                }
                for guardrail in tool.guardrails ?? [] where guardrail.guardrailType == "custom" { add(guardrail.taskName ?? guardrail.name) }
            }
            if let stopWhen = config.stopWhen { add(stopWhen.taskName) }
            if config.termination != nil { add("\(r)_termination") }
            for guardrail in config.guardrails ?? [] {
                if guardrail.guardrailType == "custom" { add(guardrail.taskName ?? guardrail.name) }
                if guardrail.guardrailType == "external" { add(guardrail.name) }
            }
            for callback in config.callbacks ?? [] { add(callback.taskName) }
            if let gate = config.gate?.taskName { add(gate) }
            if let worker = agent.instructionsWorker { add(worker) }
            switch config.router {
            case .worker(let ref)?: add(ref.taskName)
            case .agent(let routerAgent)?: if let worker = AgentUnit(config: routerAgent).instructionsWorker { add(worker) }
            case nil: break
            }
            let strategy = config.strategy ?? "handoff"
            if !config.agents.isEmpty && !config.tools.isEmpty {
                add("\(r)_check_transfer")
                for sub in config.agents { add("\(r)_transfer_to_\(Names.sanitize(sub.name))") }
            } else if !config.agents.isEmpty && strategy == "swarm" {
                add("\(r)_handoff_check")
                let members = [config] + config.agents
                for member in members { add("\(member.name)_check_transfer") }
                for a in members { for b in members where a.name != b.name { add("\(a.name)_transfer_to_\(b.name)") } }
            } else if !config.agents.isEmpty && strategy == "manual" {
                add("\(r)_process_selection")
            }
            for sub in config.agents where sub.external != true { walk(sub) }
        }
        walk(config)
        return defs.keys.sorted().map { defs[$0]! }
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
        func transfers(_ config: AgentConfig) {
            let r = Names.sanitize(config.name)
            if !config.agents.isEmpty && !config.tools.isEmpty {
                for sub in config.agents { add("\(r)_transfer_to_\(Names.sanitize(sub.name))") }
            } else if !config.agents.isEmpty && (config.strategy ?? "handoff") == "swarm" {
                let members = [config] + config.agents
                for a in members { for b in members where a.name != b.name { add("\(a.name)_transfer_to_\(b.name)") } }
            }
            for sub in config.agents where sub.external != true { transfers(sub) }
        }
        transfers(config)
        return names
    }
}
