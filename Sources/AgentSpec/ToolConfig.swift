import Workflow

/// One tool an agent may call (Agentspan `ToolConfig`), plus our `run:` binding for the generic worker.
public struct ToolConfig: Codable, Sendable, Hashable {
    /// Function name shown to the LLM; the Conductor task name of worker tools.
    public var name: String
    /// What the tool does (shown to the LLM).
    public var description: String?
    /// JSON Schema of the arguments, passed verbatim to the LLM tool spec.
    public var inputSchema: JSONValue?
    /// JSON Schema of the result.
    public var outputSchema: JSONValue?
    /// `worker` (default), `cli`, `http`, `api`, `mcp`, `agent_tool`, `human`, `generate_image`, `generate_audio`,
    /// `generate_video`, `generate_pdf`, `rag_index`, `rag_search`, `pull_workflow_messages`.
    public var toolType: String?
    /// A person approves every call before it runs.
    public var approvalRequired: Bool?
    /// Not read by the server; the worker uses it when `run.timeoutSeconds` is absent.
    public var timeoutSeconds: Int?
    /// Type-specific settings (`url`, `method`, `headers`, `server_url`, `workflowName`, `taskType`, …).
    public var config: [String: JSONValue]?
    /// Tool-level guardrails, evaluated on the formatted call arguments before execution.
    public var guardrails: [GuardrailConfig]?
    /// Routes the worker to the per-run task domain.
    public var stateful: Bool?
    /// How the generic worker runs this tool (ours; ignored by the compiled workflow).
    public var run: ToolBinding?
    /// What a call may do to the world: `read`, `write` or `destructive` (ours; see ``ToolEffect``).
    public var effects: ToolEffect?
    /// Whether running a call twice does no more than running it once; defaults by ``effects`` (read: true).
    public var idempotent: Bool?
    /// Content hashes of what the tool may do, stamped from the spec by the client that sends it (see
    /// ``ToolFingerprint``); the compiled workflow carries them in `metadata.toolLock`. Never written in a spec.
    public var lock: ToolFingerprint?

    /// Creates a tool; `toolType` nil means `worker`.
    public init(
        name: String, description: String? = nil, inputSchema: JSONValue? = nil, outputSchema: JSONValue? = nil,
        toolType: String? = nil, approvalRequired: Bool? = nil, timeoutSeconds: Int? = nil,
        config: [String: JSONValue]? = nil, guardrails: [GuardrailConfig]? = nil, stateful: Bool? = nil,
        run: ToolBinding? = nil, effects: ToolEffect? = nil, idempotent: Bool? = nil
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.toolType = toolType
        self.approvalRequired = approvalRequired
        self.timeoutSeconds = timeoutSeconds
        self.config = config
        self.guardrails = guardrails
        self.stateful = stateful
        self.run = run
        self.effects = effects
        self.idempotent = idempotent
    }

    /// The effective tool type (`worker` when unset).
    public var effectiveType: String { toolType ?? "worker" }

    /// Whether a worker polls this tool's task (`worker` and `cli` tools); the server runs every other type.
    public var runsOnWorker: Bool { effectiveType == "worker" || effectiveType == "cli" }
}
