import AgentSpec
import Workflow

/// Stamps `metadata.sourceMap` (``WorkflowSourceMap``) into a compiled workflow and into every inline sub-workflow
/// in it: each task's reference name → where in the spec the agent, model, tool, guardrail, gate or handoff that
/// caused it is written. Reference names start with the sanitised name of the agent that owns them, which is how
/// a task finds its agent; what follows says what it is.
struct SourceMapBuilder {
    /// An agent of the config tree with its locations.
    struct Owner {
        var config: AgentConfig
        var map: AgentSourceMap
        var prefix: String
    }

    let owners: [Owner]
    let directory: String?

    /// The builder for `config` and the agents inside it; nil when the config carries no locations.
    init?(config: AgentConfig) {
        guard let root = config.sourceMap else { return nil }
        var owners: [Owner] = []
        func collect(_ config: AgentConfig) {
            if let map = config.sourceMap { owners.append(Owner(config: config, map: map, prefix: SystemWorkerNames.sanitize(config.name))) }
            config.agents.forEach(collect)
            if case .agent(let router)? = config.router { collect(router) }
        }
        collect(config)
        // Longest prefix first, so `billing_v2_llm` finds `billing_v2`, not `billing`.
        self.owners = owners.sorted { $0.prefix.count > $1.prefix.count }
        self.directory = root.directory
    }

    /// Stamps `def` and its inline sub-workflows.
    func stamp(_ def: inout WorkflowDef) {
        var map = WorkflowSourceMap(directory: directory)
        def.tasks = def.tasks.map { stamp($0, into: &map) }
        var metadata = def.metadata ?? [:]
        metadata[WorkflowSourceMap.metadataKey] = map.jsonValue
        def.metadata = metadata
    }

    private func stamp(_ task: WorkflowTask, into map: inout WorkflowSourceMap) -> WorkflowTask {
        var task = task
        if let owner = owner(of: task.taskReferenceName) {
            map.tasks[task.taskReferenceName] = location(of: task, owner: owner)
            for (name, location) in owner.map.tools where map.tools[name] == nil { map.tools[name] = location.with(kind: .tool) }
        }
        task.loopOver = task.loopOver?.map { stamp($0, into: &map) }
        task.decisionCases = task.decisionCases?.mapValues { $0.map { stamp($0, into: &map) } }
        task.defaultCase = task.defaultCase?.map { stamp($0, into: &map) }
        task.forkTasks = task.forkTasks?.map { $0.map { stamp($0, into: &map) } }
        if var child = task.subWorkflowParam?.workflowDefinition {
            stamp(&child)
            task.subWorkflowParam?.workflowDefinition = child
        }
        return task
    }

    /// The agent whose sanitised name starts `ref`.
    private func owner(of ref: String) -> Owner? {
        owners.first { ref == $0.prefix || ref.hasPrefix($0.prefix + "_") }
    }

    /// Where `task` of `owner` comes from.
    private func location(of task: WorkflowTask, owner: Owner) -> SpecLocation {
        let ref = task.taskReferenceName
        let rest = ref == owner.prefix ? "" : String(ref.dropFirst(owner.prefix.count + 1))
        let agent = owner.map.agent.with(kind: .agent)
        if task.type == "SUB_WORKFLOW", let target = owners.first(where: { $0.config.name == task.subWorkflowParam?.name }) {
            return target.map.agent.with(kind: .agent)
        }
        // Searched as bytes: `String.contains(String)` resolves to Foundation's, which goes through CFString and
        // cost a twentieth of a whole compile.
        if rest.utf8.contains("guardrail".utf8) { return guardrail(rest, owner: owner) ?? agent }
        if rest.utf8.contains("gate".utf8) { return gate(rest, owner: owner) ?? agent }
        if task.type == "LLM_CHAT_COMPLETE" {
            if rest.utf8.contains("router".utf8) { return (owner.map.router ?? owner.map.handoffs ?? agent).with(kind: .handoff) }
            return (owner.map.model ?? agent).with(kind: .llm)
        }
        let handoffWords = ["handoff", "transfer", "selection", "pick_agent", "route", "router", "switch", "select"]
        if !owner.config.agents.isEmpty, handoffWords.contains(where: { rest.utf8.contains($0.utf8) }) {
            return (owner.map.handoffs ?? agent).with(kind: .handoff)
        }
        if let tool = owner.map.tools[task.name] { return tool.with(kind: .tool) }
        return agent
    }

    /// The guardrail a task checks: by its name in the reference, else by the index the reference ends with.
    private func guardrail(_ rest: String, owner: Owner) -> SpecLocation? {
        let names = (owner.config.guardrails ?? []).map(\.name) + owner.config.tools.flatMap { ($0.guardrails ?? []).map(\.name) }
        if let name = names.sorted(by: { $0.count > $1.count }).first(where: { rest.utf8.contains(SystemWorkerNames.sanitize($0).utf8) }),
            let location = owner.map.guardrails[name]
        {
            return location.with(kind: .guardrail)
        }
        let compiled = AgentUnit(config: owner.config).outputGuardrails
        if let index = Self.trailingIndex(rest), compiled.indices.contains(index), let location = owner.map.guardrails[compiled[index].name] {
            return location.with(kind: .guardrail)
        }
        return names.lazy.compactMap { owner.map.guardrails[$0] }.first?.with(kind: .guardrail)
    }

    /// The gate a sequential step checks: the gate of the sub-agent at the index the reference ends with.
    private func gate(_ rest: String, owner: Owner) -> SpecLocation? {
        if let index = Self.trailingIndex(rest), owner.config.agents.indices.contains(index),
            let gate = owner.config.agents[index].sourceMap?.gate
        {
            return gate.with(kind: .gate)
        }
        return (owner.map.gate ?? owner.config.agents.lazy.compactMap(\.sourceMap?.gate).first)?.with(kind: .gate)
    }

    /// `gate_switch_2` → 2.
    static func trailingIndex(_ text: String) -> Int? {
        guard let last = text.split(separator: "_").last else { return nil }
        return Int(last)
    }
}
