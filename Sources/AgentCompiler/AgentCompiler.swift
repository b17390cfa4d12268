import AgentSpec
import Workflow

/// Compiles an Agentspan agent configuration into the Conductor workflow the Agentspan server would build for
/// it: the same task types, reference names, inputs, `${…}` expressions, loops and switches, with our own
/// ES5 INLINE scripts.
public struct AgentCompiler: Sendable {
    /// Prices per model that `budget.maxCostUSD` turns token counts into cost with.
    public var prices: PriceTable
    /// The budgets of the agent being compiled and its ancestors (empty: no budget applies, nothing is counted).
    var budgets: [BudgetConfig] = []

    /// Creates a compiler; `prices` defaults to ``PriceTable/standard``.
    public init(prices: PriceTable = .standard) {
        self.prices = prices
    }

    /// Compiles `config` into its workflow definition.
    /// - Throws: ``CompileError`` for configurations the server rejects (no model, bad strategy, …).
    /// When the config carries the spec's locations (``AgentConfig/sourceMap``), the workflow and its inline
    /// sub-workflows get `metadata.sourceMap` (``WorkflowSourceMap``).
    public func compile(_ config: AgentConfig) throws(CompileError) -> WorkflowDef {
        var def = try compileAgent(config)
        SourceMapBuilder(config: config)?.stamp(&def)
        return def
    }

    /// Compiles `config` into everything a deployment of it needs; see ``CompiledAgent``.
    public func compiledAgent(_ config: AgentConfig) throws(CompileError) -> CompiledAgent {
        let def = try compile(config)
        let tasks = workerTasks(config)
        let required = requiredWorkers(of: def, config: config)
        var defs = taskDefinitions(config)
        for name in required where !defs.contains(where: { $0.name == name }) { defs.append(Self.taskDefinition(name)) }
        return CompiledAgent(
            workflowDef: def, workerTasks: tasks, taskDefinitions: defs.sorted { $0.name < $1.name }, requiredWorkers: required)
    }

    /// Compiles one agent (root or child): dispatch (§0.3), then post-processing.
    func compileAgent(_ config: AgentConfig) throws(CompileError) -> WorkflowDef {
        let agent = AgentUnit(config: config)
        if config.metadata?["_framework_passthrough"]?.boolValue == true {
            return try passthrough(agent)
        }
        if let graph = config.metadata?["_graph_structure"], graph.objectValue != nil {
            return try GraphWorkflow(compiler: self, agent: agent, graph: graph).compile()
        }
        if config.external == true {
            throw CompileError("Cannot compile external agent '\(config.name)': it references a registered workflow")
        }
        var def: WorkflowDef
        // The agent's own budget applies to it and to everything it runs.
        var compiler = self
        if let budget = config.budget { compiler.budgets.append(budget) }
        if !config.agents.isEmpty {
            let names = config.agents.map(\.name)
            if Set(names).count != names.count {
                throw CompileError("Duplicate agent names in '\(config.name)'. Each sub-agent must have a unique name.")
            }
        }
        if !config.agents.isEmpty && config.tools.isEmpty {
            def = try MultiAgentCompiler(compiler: compiler, agent: agent).compile()
        } else if !config.agents.isEmpty {
            def = try SingleAgentCompiler(compiler: compiler, agent: agent).compileWithTools(subAgents: config.agents)
        } else if config.tools.isEmpty {
            def = try SingleAgentCompiler(compiler: compiler, agent: agent).compileSimple()
        } else {
            def = try SingleAgentCompiler(compiler: compiler, agent: agent).compileWithTools()
        }
        PostProcessor.finish(&def)
        var metadata = def.metadata ?? [:]
        metadata["agent_capabilities"] = .array(Self.capabilities(config).map(JSONValue.string))
        metadata["agentDef"] = Self.agentDefinition(config)
        let lock = SpecLock(config).byTool
        if !lock.isEmpty { metadata["toolLock"] = (try? CompiledJSON.jsonValue(lock)) ?? .null }
        def.metadata = metadata
        return def
    }

    /// Passthrough (§17.1): one SIMPLE task running the agent's first tool.
    private func passthrough(_ agent: AgentUnit) throws(CompileError) -> WorkflowDef {
        guard let tool = agent.config.tools.first else {
            throw CompileError("Passthrough agent '\(agent.x)' must have exactly one worker tool defined.")
        }
        var inputs: [String: JSONValue] = [:]
        for key in ["prompt", "session_id", "media", "cwd", "__agentspan_ctx__"] { inputs[key] = expr("workflow.input.\(key)") }
        var def = WorkflowDef(
            name: agent.x, version: 1, tasks: [.simple(tool.name, ref: "_fw_task", inputs)],
            inputParameters: ["prompt", "session_id", "media", "cwd", "context", "__agentspan_ctx__"],
            outputParameters: ["result": "${_fw_task.output.result}", "context": "${workflow.input.context}"],
            schemaVersion: 2, restartable: true, timeoutPolicy: "ALERT_ONLY", timeoutSeconds: 0)
        def.metadata = agent.config.metadata
        return def
    }

    /// Whether a budget applies to the agent being compiled (its own or an ancestor's).
    var budgeted: Bool { !budgets.isEmpty }

    /// The price of `agent`'s model for budget checks (a missing one is an error under a `maxCostUSD`).
    func budgetPrice(_ agent: AgentUnit) throws(CompileError) -> JSONValue {
        try BudgetBuilder.price(agent, prices: prices, needsCost: budgets.contains { $0.maxCostUSD != nil })
    }

    /// The SUB_WORKFLOW task running a sub-agent (§12.1); `outer` is the parent's budget input
    /// (``BudgetBuilder/outer(_:startRef:)``) when a budget applies.
    func subAgentTask(
        _ sub: AgentConfig, ref: String, prompt: String, context: String?, forwardContext: Bool = true,
        outer: JSONValue? = nil
    ) throws(CompileError) -> WorkflowTask {
        var inputs: [String: JSONValue] = [
            "prompt": .string(prompt), "media": "${workflow.input.media}", "session_id": "${workflow.input.session_id}",
        ]
        if let outer { inputs["_budget_outer"] = outer }
        if forwardContext { inputs["__agentspan_ctx__"] = "${workflow.input.__agentspan_ctx__}" }
        if let context { inputs["context"] = .string(context) }
        if sub.includeContents?.lowercased() == "none" { inputs["include_contents"] = "none" }
        if sub.external == true {
            return .subWorkflow(ref, name: sub.name, inputs, definition: nil)
        }
        return .subWorkflow(ref, name: sub.name, inputs, definition: try compileAgent(Self.childConfig(sub)))
    }

    /// A `claude-code` model turns a sub-agent into a passthrough worker.
    static func childConfig(_ sub: AgentConfig) -> AgentConfig {
        guard let model = sub.model, model.hasPrefix("claude-code") else { return sub }
        var child = sub
        var metadata = child.metadata ?? [:]
        metadata["_framework_passthrough"] = true
        child.metadata = metadata
        if child.tools.isEmpty { child.tools = [ToolConfig(name: sub.name, toolType: "worker")] }
        return child
    }

    /// `metadata.agent_capabilities` (§2.8): ordered, unique, sub-agents included.
    static func capabilities(_ config: AgentConfig) -> [String] {
        var out: [String] = []
        func add(_ c: String) { if !out.contains(c) { out.append(c) } }
        func collect(_ config: AgentConfig) {
            if !config.agents.isEmpty && !config.tools.isEmpty {
                add("tool-calling")
                add("multi-agent-hybrid")
            } else if !config.agents.isEmpty {
                add("multi-agent-" + (config.strategy ?? "handoff").replacingAll("_", with: "-"))
            } else if !config.tools.isEmpty {
                add("tool-calling")
            } else {
                add("simple")
            }
            for sub in config.agents { collect(sub) }
        }
        collect(config)
        return out
    }

    /// `metadata.agentDef`: the config as the server serialises it, without our `run:` bindings.
    static func agentDefinition(_ config: AgentConfig) -> JSONValue {
        (try? CompiledJSON.jsonValue(config.withoutBindings.withoutSourceMaps)) ?? .null
    }
}

/// An agent config compiled once, for everyone who deploys, serves or inspects it: `compile`, the server's
/// deploy and start, `doctor`, the worker and `run`.
public struct CompiledAgent: Sendable, Hashable {
    /// The workflow definition (with `metadata.agentDef`, `metadata.toolLock` and, for a spec, `metadata.sourceMap`).
    public var workflowDef: WorkflowDef
    /// The tasks a worker serves (``AgentCompiler/workerTasks(_:)``).
    public var workerTasks: [WorkerTask]
    /// A task definition for every worker task and every required worker, sorted by name.
    public var taskDefinitions: [TaskDef]
    /// The worker tasks the workflow schedules statically, plus swarm and hybrid transfer tools (§18.2).
    public var requiredWorkers: [String]

    /// `metadata.agentDef`: the config as the server serialises it, without `run:` bindings.
    public var agentDef: JSONValue? { workflowDef.metadata?["agentDef"] }
}
