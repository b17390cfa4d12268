import Workflow

/// A reference to a worker task by name (`stopWhen`, function routers).
public struct WorkerRef: Codable, Sendable, Hashable {
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
    public var type: String
    public var text: String?
    public var caseSensitive: Bool?
    public var stopMessage: String?
    public var maxMessages: Int?
    public var maxTotalTokens: Int?
    public var maxPromptTokens: Int?
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
    public var type: String
    public var target: String
    public var toolName: String?
    public var resultContains: String?
    public var text: String?
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
    public var position: String
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
    public var schema: JSONValue?
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
    public var budgetTokens: Int?
    /// Creates a thinking configuration.
    public init(enabled: Bool? = nil, budgetTokens: Int? = nil) {
        self.enabled = enabled
        self.budgetTokens = budgetTokens
    }
}

/// Code-execution capability (adds prompt text; the tool itself is an ordinary worker tool).
public struct CodeExecutionConfig: Codable, Sendable, Hashable {
    public var enabled: Bool?
    public var allowedLanguages: [String]?
    public var allowedCommands: [String]?
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
    public var enabled: Bool?
    public var allowedCommands: [String]?
    public var timeout: Int?
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
    public var type: String?
    public var text: String?
    public var caseSensitive: Bool?
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
