import Workflow

/// An Agentspan agent configuration: the document a spec file describes and the `agentConfig` the Agentspan
/// server accepts (camelCase JSON keys, absent fields omitted).
///
/// Optional fields keep "not set" distinct from a value, so the compiler can apply the server's defaults
/// (`strategy` handoff, `maxTurns` 25, `maxTokens` 16384, …) exactly where the server applies them.
public struct AgentConfig: Codable, Sendable, Hashable {
    /// Workflow name and prefix of every task reference (sanitised where the server sanitises).
    public var name: String
    /// Shown to routers and in transfer-tool descriptions.
    public var description: String?
    /// `provider/model`, split at the first `/`.
    public var model: String?
    /// Per-agent provider URL override.
    public var baseUrl: String?
    /// A string (system prompt), a prompt template `{type: prompt_template, name, variables?, version?}` or dynamic
    /// instructions `{_worker_ref: task}`.
    public var instructions: JSONValue?
    /// Tools the agent may call.
    public var tools: [ToolConfig]
    /// Sub-agents (recursive).
    public var agents: [AgentConfig]
    /// `handoff` (default), `sequential`, `parallel`, `router`, `round_robin`, `random`, `swarm`, `manual`.
    public var strategy: String?
    /// The router of a `router` strategy: a worker or an LLM agent.
    public var router: RouterConfig?
    /// Structured output.
    public var outputType: OutputTypeConfig?
    /// Guardrails; only `position: output` ones are compiled for the agent.
    public var guardrails: [GuardrailConfig]?
    /// Prior messages.
    public var memory: MemoryConfig?
    /// Loop bound (default 25).
    public var maxTurns: Int?
    /// LLM token limit (default 16384).
    public var maxTokens: Int?
    /// Workflow timeout in seconds (0 = none).
    public var timeoutSeconds: Int?
    /// LLM temperature (default 0 with tools).
    public var temperature: Double?
    /// Worker asked after each turn whether to stop.
    public var stopWhen: WorkerRef?
    /// Condition that ends the loop.
    public var termination: TerminationConfig?
    /// Swarm handoff conditions.
    public var handoffs: [HandoffConfig]?
    /// Lifecycle callback workers.
    public var callbacks: [CallbackConfig]?
    /// Agent name → names it may hand over to (round_robin, random, swarm).
    public var allowedTransitions: [String: [String]]?
    /// On a sub-agent: prefixed to the parent's conversation transcript.
    public var introduction: String?
    /// Free-form; `_framework_passthrough: true` runs the first tool as the whole agent.
    public var metadata: [String: JSONValue]?
    /// Code-execution capability.
    public var codeExecution: CodeExecutionConfig?
    /// CLI capability.
    public var cliConfig: CliConfig?
    /// `none`: the sub-workflow gets `include_contents: none`.
    public var includeContents: String?
    /// Extended thinking.
    public var thinkingConfig: ThinkingConfig?
    /// Plan before executing.
    public var planner: Bool?
    /// Tools the agent must call before finishing.
    public var requiredTools: [String]?
    /// Sequential stage gate: `{type: text_contains, text, caseSensitive?}` or `{taskName}`.
    public var gate: GateConfig?
    /// Credential names the execution token may resolve.
    public var credentials: [String]?
    /// A sub-agent that references an already-registered workflow by name.
    public var external: Bool?
    /// A server-side prompt template reference, for producers that send it separately from `instructions`.
    public var promptTemplate: JSONValue?
    /// Newer SDKs send `false` to skip the final synthesis turn; accepted and kept, not compiled (the reference
    /// compiler studied predates it).
    public var synthesize: Bool?
    /// Where the spec file wrote this agent (`_sourceMap`; the loader sets it, the compiler turns it into the
    /// workflow's `metadata.sourceMap`). Not an Agentspan field: a server that does not know it ignores it.
    public var sourceMap: AgentSourceMap?

    /// The JSON key of ``sourceMap``.
    public static let sourceMapKey = "_sourceMap"
    /// What a run may spend before it is stopped cleanly (ours).
    public var budget: BudgetConfig?

    /// Creates a configuration; every field but `name` is optional.
    public init(
        name: String, description: String? = nil, model: String? = nil, baseUrl: String? = nil,
        instructions: JSONValue? = nil, tools: [ToolConfig] = [], agents: [AgentConfig] = [], strategy: String? = nil,
        router: RouterConfig? = nil, outputType: OutputTypeConfig? = nil, guardrails: [GuardrailConfig]? = nil,
        memory: MemoryConfig? = nil, maxTurns: Int? = nil, maxTokens: Int? = nil, timeoutSeconds: Int? = nil,
        temperature: Double? = nil, stopWhen: WorkerRef? = nil, termination: TerminationConfig? = nil,
        handoffs: [HandoffConfig]? = nil, callbacks: [CallbackConfig]? = nil,
        allowedTransitions: [String: [String]]? = nil, introduction: String? = nil,
        metadata: [String: JSONValue]? = nil, codeExecution: CodeExecutionConfig? = nil, cliConfig: CliConfig? = nil,
        includeContents: String? = nil, thinkingConfig: ThinkingConfig? = nil, planner: Bool? = nil,
        requiredTools: [String]? = nil, gate: GateConfig? = nil, credentials: [String]? = nil, external: Bool? = nil,
        promptTemplate: JSONValue? = nil, synthesize: Bool? = nil, sourceMap: AgentSourceMap? = nil,
        budget: BudgetConfig? = nil
    ) {
        self.name = name
        self.description = description
        self.model = model
        self.baseUrl = baseUrl
        self.instructions = instructions
        self.tools = tools
        self.agents = agents
        self.strategy = strategy
        self.router = router
        self.outputType = outputType
        self.guardrails = guardrails
        self.memory = memory
        self.maxTurns = maxTurns
        self.maxTokens = maxTokens
        self.timeoutSeconds = timeoutSeconds
        self.temperature = temperature
        self.stopWhen = stopWhen
        self.termination = termination
        self.handoffs = handoffs
        self.callbacks = callbacks
        self.allowedTransitions = allowedTransitions
        self.introduction = introduction
        self.metadata = metadata
        self.codeExecution = codeExecution
        self.cliConfig = cliConfig
        self.includeContents = includeContents
        self.thinkingConfig = thinkingConfig
        self.planner = planner
        self.requiredTools = requiredTools
        self.gate = gate
        self.credentials = credentials
        self.external = external
        self.promptTemplate = promptTemplate
        self.synthesize = synthesize
        self.sourceMap = sourceMap
        self.budget = budget
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, model, baseUrl, instructions, tools, agents, strategy, router, outputType, guardrails
        case memory, maxTurns, maxTokens, timeoutSeconds, temperature, stopWhen, termination, handoffs, callbacks
        case allowedTransitions, introduction, metadata, codeExecution, cliConfig, includeContents, thinkingConfig
        case planner, requiredTools, gate, credentials, external, promptTemplate, synthesize, budget
        case sourceMap = "_sourceMap"
    }

    /// Lenient decoding like the server's: unknown keys are ignored and `tools`/`agents` default to empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try c.decodeIfPresent(String.self, forKey: .description)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        baseUrl = try c.decodeIfPresent(String.self, forKey: .baseUrl)
        instructions = try c.decodeIfPresent(JSONValue.self, forKey: .instructions)
        if instructions == .null { instructions = nil }
        tools = try c.decodeIfPresent([ToolConfig].self, forKey: .tools) ?? []
        agents = try c.decodeIfPresent([AgentConfig].self, forKey: .agents) ?? []
        strategy = try c.decodeIfPresent(String.self, forKey: .strategy)
        router = try c.decodeIfPresent(RouterConfig.self, forKey: .router)
        outputType = try c.decodeIfPresent(OutputTypeConfig.self, forKey: .outputType)
        guardrails = try c.decodeIfPresent([GuardrailConfig].self, forKey: .guardrails)
        memory = try c.decodeIfPresent(MemoryConfig.self, forKey: .memory)
        maxTurns = try c.decodeIfPresent(Int.self, forKey: .maxTurns)
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens)
        timeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        stopWhen = try c.decodeIfPresent(WorkerRef.self, forKey: .stopWhen)
        termination = try c.decodeIfPresent(TerminationConfig.self, forKey: .termination)
        handoffs = try c.decodeIfPresent([HandoffConfig].self, forKey: .handoffs)
        callbacks = try c.decodeIfPresent([CallbackConfig].self, forKey: .callbacks)
        allowedTransitions = try c.decodeIfPresent([String: [String]].self, forKey: .allowedTransitions)
        introduction = try c.decodeIfPresent(String.self, forKey: .introduction)
        metadata = try c.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
        codeExecution = try c.decodeIfPresent(CodeExecutionConfig.self, forKey: .codeExecution)
        cliConfig = try c.decodeIfPresent(CliConfig.self, forKey: .cliConfig)
        includeContents = try c.decodeIfPresent(String.self, forKey: .includeContents)
        thinkingConfig = try c.decodeIfPresent(ThinkingConfig.self, forKey: .thinkingConfig)
        planner = try c.decodeIfPresent(Bool.self, forKey: .planner)
        requiredTools = try c.decodeIfPresent([String].self, forKey: .requiredTools)
        gate = try c.decodeIfPresent(GateConfig.self, forKey: .gate)
        credentials = try c.decodeIfPresent([String].self, forKey: .credentials)
        external = try c.decodeIfPresent(Bool.self, forKey: .external)
        promptTemplate = try c.decodeIfPresent(JSONValue.self, forKey: .promptTemplate)
        synthesize = try c.decodeIfPresent(Bool.self, forKey: .synthesize)
        // A map that does not read (another producer's `_sourceMap`) only costs the locations.
        sourceMap = try? c.decodeIfPresent(AgentSourceMap.self, forKey: .sourceMap)
        budget = try c.decodeIfPresent(BudgetConfig.self, forKey: .budget)
    }

    /// Encodes the set fields only (`tools`/`agents` when non-empty), as the server's `NON_NULL` output does.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encodeIfPresent(baseUrl, forKey: .baseUrl)
        try c.encodeIfPresent(instructions, forKey: .instructions)
        if !tools.isEmpty { try c.encode(tools, forKey: .tools) }
        if !agents.isEmpty { try c.encode(agents, forKey: .agents) }
        try c.encodeIfPresent(strategy, forKey: .strategy)
        try c.encodeIfPresent(router, forKey: .router)
        try c.encodeIfPresent(outputType, forKey: .outputType)
        try c.encodeIfPresent(guardrails, forKey: .guardrails)
        try c.encodeIfPresent(memory, forKey: .memory)
        try c.encodeIfPresent(maxTurns, forKey: .maxTurns)
        try c.encodeIfPresent(maxTokens, forKey: .maxTokens)
        try c.encodeIfPresent(timeoutSeconds, forKey: .timeoutSeconds)
        try c.encodeIfPresent(temperature, forKey: .temperature)
        try c.encodeIfPresent(stopWhen, forKey: .stopWhen)
        try c.encodeIfPresent(termination, forKey: .termination)
        try c.encodeIfPresent(handoffs, forKey: .handoffs)
        try c.encodeIfPresent(callbacks, forKey: .callbacks)
        try c.encodeIfPresent(allowedTransitions, forKey: .allowedTransitions)
        try c.encodeIfPresent(introduction, forKey: .introduction)
        try c.encodeIfPresent(metadata, forKey: .metadata)
        try c.encodeIfPresent(codeExecution, forKey: .codeExecution)
        try c.encodeIfPresent(cliConfig, forKey: .cliConfig)
        try c.encodeIfPresent(includeContents, forKey: .includeContents)
        try c.encodeIfPresent(thinkingConfig, forKey: .thinkingConfig)
        try c.encodeIfPresent(planner, forKey: .planner)
        try c.encodeIfPresent(requiredTools, forKey: .requiredTools)
        try c.encodeIfPresent(gate, forKey: .gate)
        try c.encodeIfPresent(credentials, forKey: .credentials)
        try c.encodeIfPresent(external, forKey: .external)
        try c.encodeIfPresent(promptTemplate, forKey: .promptTemplate)
        try c.encodeIfPresent(synthesize, forKey: .synthesize)
        try c.encodeIfPresent(sourceMap, forKey: .sourceMap)
        try c.encodeIfPresent(budget, forKey: .budget)
    }
}

/// The router of a `router` strategy: `{taskName}` (a worker) or an agent config (an LLM router).
public indirect enum RouterConfig: Codable, Sendable, Hashable {
    case worker(WorkerRef)
    case agent(AgentConfig)

    /// Decodes like the server: a map with `taskName` is a worker; otherwise an agent.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        if value["taskName"].stringValue != nil {
            self = .worker(try value.decode(WorkerRef.self))
        } else {
            self = .agent(try ValueDecoder.decode(AgentConfig.self, from: value))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .worker(let ref): try ref.encode(to: encoder)
        case .agent(let agent): try agent.encode(to: encoder)
        }
    }
}

extension AgentConfig {
    /// This config without our `run:` bindings (recursively, router and agent-tool children included): what to
    /// send to an Agentspan server as `agentConfig` or to stamp as `metadata.agentDef`.
    public var withoutBindings: AgentConfig {
        var copy = self
        copy.tools = tools.map { tool in
            var t = tool
            t.run = nil
            return t
        }
        copy.agents = agents.map(\.withoutBindings)
        if case .agent(let router)? = router { copy.router = .agent(router.withoutBindings) }
        return copy
    }
}
