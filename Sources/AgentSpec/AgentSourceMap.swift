import Workflow

/// Where one agent of a spec is written: the loader fills it from the marks it reads (a `ref:` sub-agent's
/// locations are in the referenced file), the config carries it to the compiler as `_sourceMap`, and the compiler
/// turns it into the workflow's ``WorkflowSourceMap``.
///
/// Files are relative to the top-level spec's directory (or absolute when outside it); ``directory`` anchors them
/// once a client that knows where the spec lives sets it.
public struct AgentSourceMap: Codable, Sendable, Hashable {
    /// Absolute directory of the top-level spec (set by clients, not by the loader: compiled output stays the same
    /// on every machine).
    public var directory: String?
    /// The agent's mapping (its first key).
    public var agent: SpecLocation
    /// The `model:` value.
    public var model: SpecLocation?
    /// Tool name → the tool's entry in `tools:`.
    public var tools: [String: SpecLocation]
    /// Guardrail name → its entry (the agent's `guardrails:` and its tools' guardrails).
    public var guardrails: [String: SpecLocation]
    /// The `gate:` value.
    public var gate: SpecLocation?
    /// The `handoffs:` key, else the `agents:` key: what says who may take over.
    public var handoffs: SpecLocation?
    /// The `router:` value.
    public var router: SpecLocation?

    /// Creates a map.
    public init(
        directory: String? = nil, agent: SpecLocation, model: SpecLocation? = nil, tools: [String: SpecLocation] = [:],
        guardrails: [String: SpecLocation] = [:], gate: SpecLocation? = nil, handoffs: SpecLocation? = nil,
        router: SpecLocation? = nil
    ) {
        self.directory = directory
        self.agent = agent
        self.model = model
        self.tools = tools
        self.guardrails = guardrails
        self.gate = gate
        self.handoffs = handoffs
        self.router = router
    }
}

extension AgentSourceMap {
    /// The map as JSON, as `JSONEncoder` writes it (nil members left out), without a round trip through text.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "agent": agent.jsonValue,
            "tools": .object(tools.mapValues(\.jsonValue)),
            "guardrails": .object(guardrails.mapValues(\.jsonValue)),
        ]
        if let directory { object["directory"] = .string(directory) }
        if let model { object["model"] = model.jsonValue }
        if let gate { object["gate"] = gate.jsonValue }
        if let handoffs { object["handoffs"] = handoffs.jsonValue }
        if let router { object["router"] = router.jsonValue }
        return .object(object)
    }
}

extension AgentConfig {
    /// This config and every agent in it (sub-agents, LLM routers) with `directory` set on their source maps.
    public func withSourceDirectory(_ directory: String) -> AgentConfig {
        var copy = self
        copy.sourceMap?.directory = directory
        copy.agents = agents.map { $0.withSourceDirectory(directory) }
        if case .agent(let router)? = router { copy.router = .agent(router.withSourceDirectory(directory)) }
        return copy
    }

    /// This config without source maps (recursively): what `metadata.agentDef` records.
    public var withoutSourceMaps: AgentConfig {
        var copy = self
        copy.sourceMap = nil
        copy.agents = agents.map(\.withoutSourceMaps)
        if case .agent(let router)? = router { copy.router = .agent(router.withoutSourceMaps) }
        return copy
    }
}

extension JSONValue {
    /// An agent config's JSON with `_sourceMap.directory` set on it and every agent inside (`agents`, `router`).
    public func withSourceDirectory(_ directory: String) -> JSONValue {
        guard case .object(var agent) = self else { return self }
        if case .object(var map)? = agent[AgentConfig.sourceMapKey] {
            map["directory"] = .string(directory)
            agent[AgentConfig.sourceMapKey] = .object(map)
        }
        if case .array(let agents)? = agent["agents"] {
            agent["agents"] = .array(agents.map { $0.withSourceDirectory(directory) })
        }
        if let router = agent["router"], case .object = router { agent["router"] = router.withSourceDirectory(directory) }
        return .object(agent)
    }
}
