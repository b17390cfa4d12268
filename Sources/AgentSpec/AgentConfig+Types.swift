import Workflow

/// A reference to a worker task by name (`stopWhen`, function routers).
public struct WorkerRef: Codable, Sendable, Hashable {
    /// The worker's task name.
    public var taskName: String
    /// How `agentspanc worker` runs the task (ours; the compiled workflow ignores it).
    public var run: ToolBinding?
    /// Creates a reference.
    public init(taskName: String, run: ToolBinding? = nil) {
        self.taskName = taskName
        self.run = run
    }
}

/// A termination condition (`text_mention`, `stop_message`, `max_message`, `token_usage`, `and`, `or`),
/// evaluated by a worker each loop iteration.
public struct TerminationConfig: Codable, Sendable, Hashable {
    /// `text_mention`, `stop_message`, `max_message`, `token_usage`, `and` or `or`.
    public var type: String
    /// text_mention: the text to look for.
    public var text: String?
    /// text_mention: match case (default true).
    public var caseSensitive: Bool?
    /// stop_message: the exact final message.
    public var stopMessage: String?
    /// max_message: the turn limit (default 10).
    public var maxMessages: Int?
    /// token_usage: total token limit (0 = none).
    public var maxTotalTokens: Int?
    /// token_usage: prompt token limit.
    public var maxPromptTokens: Int?
    /// token_usage: completion token limit.
    public var maxCompletionTokens: Int?
    /// Children of `and` / `or`.
    public var conditions: [TerminationConfig]?

    /// Creates a condition.
    public init(
        type: String, text: String? = nil, caseSensitive: Bool? = nil, stopMessage: String? = nil,
        maxMessages: Int? = nil, maxTotalTokens: Int? = nil, maxPromptTokens: Int? = nil,
        maxCompletionTokens: Int? = nil, conditions: [TerminationConfig]? = nil
    ) {
        self.type = type
        self.text = text
        self.caseSensitive = caseSensitive
        self.stopMessage = stopMessage
        self.maxMessages = maxMessages
        self.maxTotalTokens = maxTotalTokens
        self.maxPromptTokens = maxPromptTokens
        self.maxCompletionTokens = maxCompletionTokens
        self.conditions = conditions
    }
}

/// A swarm handoff condition: `on_tool_result` (`toolName`, `resultContains`), `on_text_mention` (`text`) or
/// `on_condition` (`taskName`), moving the conversation to `target`.
public struct HandoffConfig: Codable, Sendable, Hashable {
    /// `on_tool_result`, `on_text_mention` or `on_condition`.
    public var type: String
    /// The agent that takes over.
    public var target: String
    /// on_tool_result: the tool whose result is checked.
    public var toolName: String?
    /// on_tool_result: text the result must contain.
    public var resultContains: String?
    /// on_text_mention: text in the answer.
    public var text: String?
    /// on_condition: the worker deciding.
    public var taskName: String?

    /// Creates a handoff condition.
    public init(
        type: String, target: String, toolName: String? = nil, resultContains: String? = nil, text: String? = nil,
        taskName: String? = nil
    ) {
        self.type = type
        self.target = target
        self.toolName = toolName
        self.resultContains = resultContains
        self.text = text
        self.taskName = taskName
    }
}

/// A lifecycle callback worker: `before_agent`, `after_agent`, `before_model`, `after_model` (compiled),
/// `before_tool`, `after_tool` (accepted).
public struct CallbackConfig: Codable, Sendable, Hashable {
    /// `before_agent`, `after_agent`, `before_model`, `after_model`, `before_tool` or `after_tool`.
    public var position: String
    /// The worker's task name.
    public var taskName: String
    /// How `agentspanc worker` runs the callback (ours; the compiled workflow ignores it).
    public var run: ToolBinding?
    /// Creates a callback.
    public init(position: String, taskName: String, run: ToolBinding? = nil) {
        self.position = position
        self.taskName = taskName
        self.run = run
    }
}

/// Structured output: the JSON Schema the final answer must match.
public struct OutputTypeConfig: Codable, Sendable, Hashable {
    /// JSON Schema of the answer (`$defs` references allowed).
    public var schema: JSONValue?
    /// Informational class name.
    public var className: String?
    /// Creates an output type.
    public init(schema: JSONValue? = nil, className: String? = nil) {
        self.schema = schema
        self.className = className
    }
}

/// Prior chat messages inserted between the system and the user message.
public struct MemoryConfig: Codable, Sendable, Hashable {
    /// Messages like `{role: user, message: "…"}`.
    public var messages: [JSONValue]?
    /// Informational (not used by the compiler).
    public var maxMessages: Int?
    /// Creates a memory.
    public init(messages: [JSONValue]? = nil, maxMessages: Int? = nil) {
        self.messages = messages
        self.maxMessages = maxMessages
    }
}

/// Extended thinking for models that support it.
public struct ThinkingConfig: Codable, Sendable, Hashable {
    /// Default true when the block is present.
    public var enabled: Bool?
    /// Thinking token budget.
    public var budgetTokens: Int?
    /// Creates a thinking configuration.
    public init(enabled: Bool? = nil, budgetTokens: Int? = nil) {
        self.enabled = enabled
        self.budgetTokens = budgetTokens
    }
}

/// Code-execution capability (adds prompt text; the tool itself is an ordinary worker tool).
public struct CodeExecutionConfig: Codable, Sendable, Hashable {
    /// Adds the code-execution instructions.
    public var enabled: Bool?
    /// Languages offered (default python, javascript, bash).
    public var allowedLanguages: [String]?
    /// Shell commands the code may run.
    public var allowedCommands: [String]?
    /// Seconds per execution.
    public var timeout: Int?
    /// Creates a code-execution configuration.
    public init(enabled: Bool? = nil, allowedLanguages: [String]? = nil, allowedCommands: [String]? = nil, timeout: Int? = nil) {
        self.enabled = enabled
        self.allowedLanguages = allowedLanguages
        self.allowedCommands = allowedCommands
        self.timeout = timeout
    }
}

/// CLI capability (adds prompt text; the tool itself is an ordinary worker tool).
public struct CliConfig: Codable, Sendable, Hashable {
    /// Adds the CLI instructions.
    public var enabled: Bool?
    /// Commands the agent may run.
    public var allowedCommands: [String]?
    /// Seconds per command.
    public var timeout: Int?
    /// Allows shell mode.
    public var allowShell: Bool?
    /// Creates a CLI configuration.
    public init(enabled: Bool? = nil, allowedCommands: [String]? = nil, timeout: Int? = nil, allowShell: Bool? = nil) {
        self.enabled = enabled
        self.allowedCommands = allowedCommands
        self.timeout = timeout
        self.allowShell = allowShell
    }
}

/// A sequential-stage gate: `{type: text_contains, text, caseSensitive?}` or a worker `{taskName}`.
public struct GateConfig: Codable, Sendable, Hashable {
    /// `text_contains` for a text gate.
    public var type: String?
    /// text_contains: the sentinel that stops the pipeline.
    public var text: String?
    /// text_contains: match case (default true).
    public var caseSensitive: Bool?
    /// A worker gate returning `{decision: continue|stop}`.
    public var taskName: String?
    /// How `agentspanc worker` runs a worker gate (ours; the compiled workflow ignores it).
    public var run: ToolBinding?
    /// Creates a gate.
    public init(type: String? = nil, text: String? = nil, caseSensitive: Bool? = nil, taskName: String? = nil, run: ToolBinding? = nil) {
        self.type = type
        self.text = text
        self.caseSensitive = caseSensitive
        self.taskName = taskName
        self.run = run
    }
}

/// What a run may spend (`budget:` on an agent). When one limit is reached the run stops cleanly after the
/// current turn, with a `budget_exhausted` event naming the limit and what was used.
public struct BudgetConfig: Codable, Sendable, Hashable {
    /// Tokens of every LLM call of the agent (prompt and completion).
    public var maxTokens: Int?
    /// Cost in US dollars, from the price table per model.
    public var maxCostUSD: Double?
    /// Tool calls the agent asked for.
    public var maxToolCalls: Int?
    /// Seconds since the run started.
    public var maxWallSeconds: Double?

    /// Creates a budget; unset limits do not apply.
    public init(maxTokens: Int? = nil, maxCostUSD: Double? = nil, maxToolCalls: Int? = nil, maxWallSeconds: Double? = nil) {
        self.maxTokens = maxTokens
        self.maxCostUSD = maxCostUSD
        self.maxToolCalls = maxToolCalls
        self.maxWallSeconds = maxWallSeconds
    }
}
