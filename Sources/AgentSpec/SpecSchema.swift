/// The shape of the spec language, as data: drives strict validation, "did you mean" suggestions and the
/// JSON Schema that `agentspanc schema` prints, so the three cannot drift apart.
public indirect enum SchemaType: Sendable {
    case string
    case integer
    case number
    case boolean
    /// A string from a fixed set.
    case enumeration([String])
    case array(SchemaType)
    /// Free-form keys, values of one type.
    case map(SchemaType)
    /// Known keys only.
    case object(ObjectSchema)
    /// Any JSON value.
    case any
    /// A string or a free-form map (instructions).
    case stringOrMap
    /// A nested agent config, or `{ref: path}` where sub-agents are listed.
    case agent
    /// A JSON Schema document (checked for well-formedness).
    case jsonSchema
    /// `{taskName}` (worker router) or an agent config (LLM router).
    case router
}

/// The allowed range of a numeric key.
public struct NumberRange: Sendable {
    /// Smallest allowed value.
    public var minimum: Double
    /// Whether `minimum` itself is excluded (`maxTurns` must be positive, not zero).
    public var excludesMinimum: Bool
    /// Largest allowed value, if any.
    public var maximum: Double?

    /// Greater than zero.
    public static let positive = NumberRange(minimum: 0, excludesMinimum: true, maximum: nil)
    /// Zero or more.
    public static let nonNegative = NumberRange(minimum: 0, excludesMinimum: false, maximum: nil)
    /// From `minimum` to `maximum`, both included.
    public static func between(_ minimum: Double, _ maximum: Double) -> NumberRange {
        NumberRange(minimum: minimum, excludesMinimum: false, maximum: maximum)
    }

    /// Whether `value` is in the range.
    public func contains(_ value: Double) -> Bool {
        (excludesMinimum ? value > minimum : value >= minimum) && (maximum.map { value <= $0 } ?? true)
    }

    /// "positive", "zero or more", "between 0 and 2".
    public var phrase: String {
        if let maximum { return "between \(Self.format(minimum)) and \(Self.format(maximum))" }
        return excludesMinimum && minimum == 0 ? "positive" : excludesMinimum ? "greater than \(Self.format(minimum))"
            : minimum == 0 ? "zero or more" : "at least \(Self.format(minimum))"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// One key of an object in the spec language.
public struct FieldSchema: Sendable {
    /// The key.
    public var name: String
    /// Its type.
    public var type: SchemaType
    /// Whether the key must be present.
    public var required: Bool
    /// One-line description (JSON Schema `description`).
    public var doc: String
    /// The allowed values of a numeric key.
    public var range: NumberRange?

    init(_ name: String, _ type: SchemaType, required: Bool = false, range: NumberRange? = nil, _ doc: String) {
        self.name = name
        self.type = type
        self.required = required
        self.range = range
        self.doc = doc
    }
}

/// An object with a closed set of keys.
public struct ObjectSchema: Sendable {
    /// What the object is called in messages ("agent", "tool", …).
    public var kind: String
    /// The keys.
    public var fields: [FieldSchema]

    init(_ kind: String, _ fields: [FieldSchema]) {
        self.kind = kind
        self.fields = fields
    }

    /// The field called `name`, if any.
    public func field(_ name: String) -> FieldSchema? { fields.first { $0.name == name } }
}

/// The spec language's schema.
public enum SpecSchema {
    /// Every strategy of a multi-agent parent.
    public static let strategies = ["handoff", "sequential", "parallel", "router", "round_robin", "random", "swarm", "manual"]
    /// Every tool type.
    public static let toolTypes = [
        "worker", "cli", "http", "api", "mcp", "agent_tool", "human", "generate_image", "generate_audio",
        "generate_video", "generate_pdf", "rag_index", "rag_search", "pull_workflow_messages",
    ]
    /// Every guardrail type.
    public static let guardrailTypes = ["regex", "llm", "custom", "external"]
    /// Every guardrail failure mode.
    public static let onFailModes = ["retry", "raise", "fix", "human"]
    /// Every termination condition type.
    public static let terminationTypes = ["text_mention", "stop_message", "max_message", "token_usage", "and", "or"]
    /// Every callback position.
    public static let callbackPositions = ["before_agent", "after_agent", "before_model", "after_model", "before_tool", "after_tool"]

    /// `run:` of a worker tool.
    public static let toolBinding = ObjectSchema("run binding", [
        FieldSchema("command", .array(.string), "argv template; each {param} fills one whole element"),
        FieldSchema("plugin", .string, "path of a plugin executable speaking JSON lines"),
        FieldSchema("stdin", .enumeration(["none", "json"]), "json: the argument object on standard input"),
        FieldSchema("env", .map(.string), "extra environment; values may use ${env:NAME}"),
        FieldSchema("inheritEnv", .array(.string), "names inherited from the worker's environment"),
        FieldSchema("cwd", .string, "working directory, relative to the spec file"),
        FieldSchema("timeoutSeconds", .number, range: .positive, "kill every process of the call after this many seconds"),
        FieldSchema("idempotent", .boolean, "false: never retried"),
        FieldSchema("shell", .boolean, "run command through /bin/sh -c"),
        FieldSchema("maxOutputBytes", .integer, range: .positive, "cap on captured stdout"),
        FieldSchema(
            "allowLeadingDash", .boolean,
            "true: a {param} value before any -- element may start with - (read as an option); default false"),
    ])

    /// A guardrail.
    public static let guardrail = ObjectSchema("guardrail", [
        FieldSchema("name", .string, required: true, "guardrail name (used in task references)"),
        FieldSchema("guardrailType", .enumeration(guardrailTypes), "regex, llm, custom or external"),
        FieldSchema("position", .enumeration(["input", "output"]), "output (default) or input"),
        FieldSchema("onFail", .enumeration(onFailModes), "retry (default), raise, fix or human"),
        FieldSchema("maxRetries", .integer, range: .nonNegative, "retries before escalating to raise (default 3)"),
        FieldSchema("patterns", .array(.string), "regex: JavaScript regular expressions"),
        FieldSchema("mode", .string, "regex: block (default) or allow"),
        FieldSchema("message", .string, "regex: failure message"),
        FieldSchema("model", .string, "llm: judge model provider/model"),
        FieldSchema("policy", .string, "llm: policy text"),
        FieldSchema("maxTokens", .integer, range: .positive, "llm: judge token limit (default 256)"),
        FieldSchema("taskName", .string, "custom: worker task name"),
        FieldSchema("run", .object(toolBinding), "custom or external: how agentspanc worker runs it"),
    ])

    /// A tool.
    public static let tool = ObjectSchema("tool", [
        FieldSchema("name", .string, required: true, "function name shown to the LLM"),
        FieldSchema("description", .string, "what the tool does"),
        FieldSchema("inputSchema", .jsonSchema, "JSON Schema of the arguments"),
        FieldSchema("outputSchema", .jsonSchema, "JSON Schema of the result"),
        FieldSchema("toolType", .enumeration(toolTypes), "worker (default), http, mcp, agent_tool, human, …"),
        FieldSchema("approvalRequired", .boolean, "a person approves each call"),
        FieldSchema("timeoutSeconds", .integer, range: .positive, "tool timeout"),
        FieldSchema("config", .map(.any), "type-specific settings (url, method, headers, server_url, …)"),
        FieldSchema("guardrails", .array(.object(guardrail)), "guardrails on the call arguments"),
        FieldSchema("stateful", .boolean, "route to the per-run task domain"),
        FieldSchema("run", .object(toolBinding), "how the generic worker runs this tool"),
        FieldSchema(
            "effects", .enumeration(ToolEffect.allCases.map(\.rawValue)),
            "read, write or destructive: sets approval, retries and where the tool may run"),
        FieldSchema("idempotent", .boolean, "a repeated call does no more than one (default: true for read only)"),
    ])

    /// `budget:` of an agent.
    public static let budget = ObjectSchema("budget", [
        FieldSchema("maxTokens", .integer, range: .positive, "stop when the run's LLM calls used this many tokens"),
        FieldSchema("maxCostUSD", .number, range: .positive, "stop when the run cost this many US dollars (price table per model)"),
        FieldSchema("maxToolCalls", .integer, range: .positive, "stop after this many tool calls"),
        FieldSchema("maxWallSeconds", .number, range: .positive, "stop when the run has lasted this many seconds"),
    ])

    static let workerRef = ObjectSchema("worker reference", [
        FieldSchema("taskName", .string, required: true, "worker task name"),
        FieldSchema("run", .object(toolBinding), "how agentspanc worker runs it"),
    ])

    /// A termination condition (recursive through `conditions`).
    public static let termination = ObjectSchema("termination", [
        FieldSchema("type", .enumeration(terminationTypes), required: true, "condition type"),
        FieldSchema("text", .string, "text_mention: text to look for"),
        FieldSchema("caseSensitive", .boolean, "text_mention: default true"),
        FieldSchema("stopMessage", .string, "stop_message: exact final message"),
        FieldSchema("maxMessages", .integer, range: .positive, "max_message: limit (default 10)"),
        FieldSchema("maxTotalTokens", .integer, range: .positive, "token_usage"),
        FieldSchema("maxPromptTokens", .integer, range: .positive, "token_usage"),
        FieldSchema("maxCompletionTokens", .integer, range: .positive, "token_usage"),
        FieldSchema("conditions", .array(.any), "and/or: nested conditions"),
    ])

    static let handoff = ObjectSchema("handoff", [
        FieldSchema("type", .enumeration(["on_tool_result", "on_text_mention", "on_condition"]), required: true, "trigger"),
        FieldSchema("target", .string, required: true, "agent to hand over to"),
        FieldSchema("toolName", .string, "on_tool_result: tool name"),
        FieldSchema("resultContains", .string, "on_tool_result: text in the result"),
        FieldSchema("text", .string, "on_text_mention: text"),
        FieldSchema("taskName", .string, "on_condition: worker"),
    ])

    static let callback = ObjectSchema("callback", [
        FieldSchema("position", .enumeration(callbackPositions), required: true, "when it runs"),
        FieldSchema("taskName", .string, required: true, "worker task name"),
        FieldSchema("run", .object(toolBinding), "how agentspanc worker runs it"),
    ])

    static let outputType = ObjectSchema("outputType", [
        FieldSchema("schema", .jsonSchema, "JSON Schema of the final answer"),
        FieldSchema("className", .string, "informational"),
    ])

    static let memory = ObjectSchema("memory", [
        FieldSchema("messages", .array(.map(.any)), "prior messages {role, message}"),
        FieldSchema("maxMessages", .integer, "informational"),
    ])

    static let thinking = ObjectSchema("thinkingConfig", [
        FieldSchema("enabled", .boolean, "default true"),
        FieldSchema("budgetTokens", .integer, range: .positive, "thinking token budget"),
    ])

    static let codeExecution = ObjectSchema("codeExecution", [
        FieldSchema("enabled", .boolean, "adds code-execution instructions"),
        FieldSchema("allowedLanguages", .array(.string), "languages"),
        FieldSchema("allowedCommands", .array(.string), "shell commands"),
        FieldSchema("timeout", .integer, range: .positive, "seconds"),
    ])

    static let cli = ObjectSchema("cliConfig", [
        FieldSchema("enabled", .boolean, "adds CLI instructions"),
        FieldSchema("allowedCommands", .array(.string), "commands"),
        FieldSchema("timeout", .integer, range: .positive, "seconds"),
        FieldSchema("allowShell", .boolean, "allow shell mode"),
    ])

    static let gate = ObjectSchema("gate", [
        FieldSchema("type", .enumeration(["text_contains"]), "text_contains"),
        FieldSchema("text", .string, "text_contains: sentinel that stops the pipeline"),
        FieldSchema("caseSensitive", .boolean, "default true"),
        FieldSchema("taskName", .string, "worker gate returning {decision}"),
        FieldSchema("run", .object(toolBinding), "how agentspanc worker runs the worker gate"),
    ])

    /// An agent config (the document root).
    public static let agent = ObjectSchema("agent", [
        FieldSchema("name", .string, required: true, "agent and workflow name"),
        FieldSchema("description", .string, "shown to routers and in transfer tools"),
        FieldSchema("model", .string, "provider/model, e.g. openai/gpt-4o"),
        FieldSchema("baseUrl", .string, "provider URL override"),
        FieldSchema("instructions", .stringOrMap, "system prompt, prompt template or {_worker_ref}"),
        FieldSchema("tools", .array(.object(tool)), "tools the agent may call"),
        FieldSchema("agents", .array(.agent), "sub-agents (inline or {ref: file.yaml})"),
        FieldSchema("strategy", .enumeration(strategies), "how sub-agents cooperate (default handoff)"),
        FieldSchema("router", .router, "router strategy: {taskName} or an agent"),
        FieldSchema("outputType", .object(outputType), "structured output"),
        FieldSchema("guardrails", .array(.object(guardrail)), "output guardrails"),
        FieldSchema("memory", .object(memory), "prior messages"),
        FieldSchema("maxTurns", .integer, range: .positive, "loop bound (default 25)"),
        FieldSchema("maxTokens", .integer, range: .positive, "LLM token limit (default 16384)"),
        FieldSchema("timeoutSeconds", .integer, range: .nonNegative, "workflow timeout in seconds (0: none)"),
        FieldSchema("temperature", .number, range: .between(0, 2), "LLM temperature"),
        FieldSchema("stopWhen", .object(workerRef), "worker deciding when to stop"),
        FieldSchema("termination", .object(termination), "termination condition"),
        FieldSchema("budget", .object(budget), "tokens, cost, tool calls and time the run may spend"),
        FieldSchema("handoffs", .array(.object(handoff)), "swarm handoff conditions"),
        FieldSchema("callbacks", .array(.object(callback)), "lifecycle callbacks"),
        FieldSchema("allowedTransitions", .map(.array(.string)), "agent → agents it may hand over to"),
        FieldSchema("introduction", .string, "sub-agent introduction in the transcript"),
        FieldSchema("metadata", .map(.any), "free-form metadata"),
        FieldSchema("codeExecution", .object(codeExecution), "code execution capability"),
        FieldSchema("cliConfig", .object(cli), "CLI capability"),
        FieldSchema("includeContents", .string, "none: do not pass contents"),
        FieldSchema("thinkingConfig", .object(thinking), "extended thinking"),
        FieldSchema("planner", .boolean, "plan before executing"),
        FieldSchema("requiredTools", .array(.string), "tools that must be called"),
        FieldSchema("gate", .object(gate), "sequential stage gate"),
        FieldSchema("credentials", .array(.string), "credential names"),
        FieldSchema("external", .boolean, "reference a registered workflow"),
        FieldSchema("promptTemplate", .map(.any), "prompt template reference"),
        FieldSchema("synthesize", .boolean, "false: skip the final synthesis turn (accepted, not compiled)"),
    ])
}
