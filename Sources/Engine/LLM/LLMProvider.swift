import Workflow

/// A chat message as the engine hands it to a provider, after history reconstruction.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who speaks.
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant, tool
    }

    public var role: Role
    /// Text content (may be empty for an assistant turn that only calls tools).
    public var content: String
    /// Tool calls the assistant made in this turn (role `assistant` only).
    public var toolCalls: [ToolCall]
    /// The call this message answers (role `tool` only).
    public var toolCallID: String?
    /// The tool that produced this result (role `tool` only).
    public var toolName: String?
    /// Provider blocks that must go back verbatim with this assistant turn (Anthropic's signed `thinking` and
    /// `redacted_thinking` blocks), as ``ChatResponse/reasoningBlocks`` returned them.
    public var reasoningBlocks: [JSONValue]?

    public init(
        role: Role, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil, toolName: String? = nil,
        reasoningBlocks: [JSONValue]? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.toolName = toolName
        self.reasoningBlocks = reasoningBlocks
    }
}

/// One function call requested by the model.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The provider's call id (becomes the Conductor task reference name of the tool task).
    public var id: String
    public var name: String
    /// The parsed JSON arguments (an object).
    public var arguments: [String: JSONValue]

    public init(id: String, name: String, arguments: [String: JSONValue]) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A function the model may call.
public struct ToolSpec: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    /// JSON Schema of the arguments.
    public var inputSchema: JSONValue?
    /// The Conductor task type that executes it (`SIMPLE`, `HTTP`, `SUB_WORKFLOW`, …).
    public var type: String?

    public init(name: String, description: String? = nil, inputSchema: JSONValue? = nil, type: String? = nil) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.type = type
    }
}

/// Everything a provider needs for one completion.
public struct ChatRequest: Sendable, Hashable, Codable {
    /// Provider id from `provider/model` (`openai`, `anthropic`, `ollama`, …).
    public var provider: String
    public var model: String
    public var messages: [ChatMessage]
    public var tools: [ToolSpec]
    public var temperature: Double?
    public var maxTokens: Int?
    /// Ask for a JSON object answer.
    public var jsonOutput: Bool
    /// Per-agent endpoint override.
    public var baseURL: String?
    /// Extended thinking budget, when enabled.
    public var thinkingBudgetTokens: Int?

    public init(
        provider: String, model: String, messages: [ChatMessage], tools: [ToolSpec] = [], temperature: Double? = nil,
        maxTokens: Int? = nil, jsonOutput: Bool = false, baseURL: String? = nil, thinkingBudgetTokens: Int? = nil
    ) {
        self.provider = provider
        self.model = model
        self.messages = messages
        self.tools = tools
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.jsonOutput = jsonOutput
        self.baseURL = baseURL
        self.thinkingBudgetTokens = thinkingBudgetTokens
    }
}

/// A provider's answer.
public struct ChatResponse: Sendable, Hashable, Codable {
    /// The model's words (beside its tool calls, or its final answer).
    public var text: String
    public var toolCalls: [ToolCall]
    /// Conductor finish reasons: `STOP`, `TOOL_CALLS`, `LENGTH`, `MAX_TOKENS`, `CONTENT_FILTER`.
    public var finishReason: String
    public var promptTokens: Int
    public var completionTokens: Int
    /// Reasoning text, when the provider returns it separately.
    public var reasoning: String?
    /// Opaque blocks the provider needs back with this turn when the conversation continues (Anthropic's signed
    /// thinking blocks: with thinking enabled, a tool-use turn sent back without them is rejected).
    public var reasoningBlocks: [JSONValue]?

    public init(
        text: String, toolCalls: [ToolCall] = [], finishReason: String, promptTokens: Int = 0, completionTokens: Int = 0,
        reasoning: String? = nil, reasoningBlocks: [JSONValue]? = nil
    ) {
        self.text = text
        self.toolCalls = toolCalls
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.reasoning = reasoning
        self.reasoningBlocks = reasoningBlocks
    }
}

/// A failed completion.
public struct LLMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A message for humans (and for `reasonForIncompletion`).
    public var message: String
    /// A transient failure (429, 5xx, connection reset) that a retry may fix.
    public var retryable: Bool
    /// HTTP status, when there was one.
    public var status: Int?

    public init(message: String, retryable: Bool = false, status: Int? = nil) {
        self.message = message
        self.retryable = retryable
        self.status = status
    }

    public var description: String { message }
}

/// Something that completes chats: a real provider, a cassette, or a router over several.
public protocol LLMProvider: Sendable {
    /// Runs one completion.
    func complete(_ request: ChatRequest) async throws -> ChatResponse
    /// Generates images, speech or video (``MediaRequest``); providers without it refuse (the default).
    func generate(_ request: MediaRequest) async throws -> MediaResponse
}
