/// A guardrail on an agent's output or on a tool's arguments (Agentspan `GuardrailConfig`).
public struct GuardrailConfig: Codable, Sendable, Hashable {
    /// Guardrail name (part of its task references).
    public var name: String
    /// `regex`, `llm`, `custom` or `external`; anything else is skipped by the compiler.
    public var guardrailType: String?
    /// `output` (default) or `input`; agent guardrails compile only at `output`.
    public var position: String?
    /// `retry` (default), `raise`, `fix` or `human`.
    public var onFail: String?
    /// Retry budget before a `retry` verdict escalates to `raise` (default 3).
    public var maxRetries: Int?
    /// Regex: JavaScript regular expression sources.
    public var patterns: [String]?
    /// Regex: `block` (default; fail when any matches) or `allow` (fail when none matches).
    public var mode: String?
    /// Regex: custom failure message.
    public var message: String?
    /// LLM: judge model `provider/model`.
    public var model: String?
    /// LLM: policy text.
    public var policy: String?
    /// LLM: judge token limit (default 256).
    public var maxTokens: Int?
    /// Custom: worker task name.
    public var taskName: String?
    /// Custom or external: how `agentspanc worker` runs the guardrail (ours; the compiled workflow ignores it).
    public var run: ToolBinding?

    /// Creates a guardrail.
    public init(
        name: String, guardrailType: String? = nil, position: String? = nil, onFail: String? = nil,
        maxRetries: Int? = nil, patterns: [String]? = nil, mode: String? = nil, message: String? = nil,
        model: String? = nil, policy: String? = nil, maxTokens: Int? = nil, taskName: String? = nil,
        run: ToolBinding? = nil
    ) {
        self.name = name
        self.guardrailType = guardrailType
        self.position = position
        self.onFail = onFail
        self.maxRetries = maxRetries
        self.patterns = patterns
        self.mode = mode
        self.message = message
        self.model = model
        self.policy = policy
        self.maxTokens = maxTokens
        self.taskName = taskName
        self.run = run
    }
}
