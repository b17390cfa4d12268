import Workflow

/// Anthropic Messages API (`POST {base}/v1/messages`, `x-api-key`, `anthropic-version: 2023-06-01`).
///
/// Mapping: system messages become the top-level `system`; an assistant turn is a `text` block plus one `tool_use`
/// block per call; tool results are `tool_result` blocks in a user message, consecutive ones (and a user text right
/// after them) merged into one message, as the API requires strictly alternating roles. `max_tokens` is required
/// (4096 when the request has none). A thinking budget sends `thinking: {type: enabled, budget_tokens}`, raises
/// `max_tokens` above the budget when needed and drops `temperature` (thinking only runs at the default). Signed
/// thinking blocks of a tool-use turn are kept (``ChatResponse/reasoningBlocks``) and sent back first in that turn.
/// The API has no JSON mode: `jsonOutput` relies on the instructions asking for JSON (the compiler adds them).
public struct AnthropicProvider: LLMProvider {
    /// Anthropic's own endpoint (without `/v1`).
    public static let defaultBaseURL = "https://api.anthropic.com"
    /// `max_tokens` when the request sets none.
    public static let defaultMaxTokens = 4096

    /// Sent as `x-api-key`; nil for a local test double that needs none.
    public var apiKey: String?
    /// The API root without `/v1`. `ChatRequest.baseURL` overrides it per request.
    public var baseURL: String
    /// Timeout, retries and the HTTP client.
    public var transport: LLMTransport

    public init(apiKey: String?, baseURL: String = AnthropicProvider.defaultBaseURL, transport: LLMTransport = .init())
    {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.transport = transport
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let base = request.baseURL.flatMap { $0.isEmpty ? nil : $0 } ?? baseURL
        var headers: [(String, String)] = [("anthropic-version", "2023-06-01")]
        if let apiKey, !apiKey.isEmpty {
            headers.append(("x-api-key", apiKey))
        }
        let json = try await transport.postJSON(
            url: LLMTransport.join(base, "v1/messages"), headers: headers, body: Self.requestBody(for: request),
            label: request.qualifiedModel, keyVariable: "ANTHROPIC_API_KEY")
        return try Self.response(from: json, label: request.qualifiedModel)
    }

    /// The JSON body of a Messages API request.
    static func requestBody(for request: ChatRequest) -> JSONValue {
        var maxTokens = request.maxTokens ?? defaultMaxTokens
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(wireMessages(request.messages)),
        ]
        let system = request.systemText
        if !system.isEmpty {
            body["system"] = .string(system)
        }
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map { tool in
                    var wire: [String: JSONValue] = [
                        "name": .string(tool.name),
                        "input_schema": tool.inputSchema ?? ["type": "object", "properties": [:]],
                    ]
                    if let description = tool.description {
                        wire["description"] = .string(description)
                    }
                    return .object(wire)
                })
        }
        if let budget = request.thinkingBudgetTokens, budget > 0, thinkingAllowed(for: request.messages) {
            body["thinking"] = ["type": "enabled", "budget_tokens": .int(budget)]
            if maxTokens <= budget { maxTokens = budget + defaultMaxTokens }
        } else if let temperature = request.temperature {
            body["temperature"] = .double(temperature)
        }
        body["max_tokens"] = .int(maxTokens)
        return .object(body)
    }

    /// Messages as content-block lists with same-role neighbours merged.
    static func wireMessages(_ messages: [ChatMessage]) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        func add(_ role: String, _ blocks: [JSONValue]) {
            guard !blocks.isEmpty else { return }
            if turns.last?.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }
        for message in messages {
            switch message.role {
            case .system:
                continue
            case .user:
                add("user", textBlocks(message.content))
            case .assistant:
                let uses: [JSONValue] = message.toolCalls.map { call in
                    [
                        "type": "tool_use", "id": .string(call.id), "name": .string(call.name),
                        "input": .object(call.arguments),
                    ]
                }
                // Signed thinking blocks come first, unchanged, as the API requires when thinking is on.
                add("assistant", (message.reasoningBlocks ?? []) + textBlocks(message.content) + uses)
            case .tool:
                if let id = message.toolCallID {
                    add(
                        "user",
                        [["type": "tool_result", "tool_use_id": .string(id), "content": .string(message.content)]])
                } else {
                    let label = message.toolName.map { "Result of \($0): " } ?? "Tool result: "
                    add("user", textBlocks(label + message.content))
                }
            }
        }
        return turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }
    }

    /// The API rejects empty text blocks, so an empty text is no block at all.
    private static func textBlocks(_ text: String) -> [JSONValue] {
        text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
    }

    /// Parses a Messages API answer.
    static func response(from json: JSONValue, label: String) throws -> ChatResponse {
        guard let blocks = json["content"].arrayValue else {
            throw LLMError(message: "\(label): the answer has no content: \(json.jsonText().prefix(300))")
        }
        var text = ""
        var reasoning = ""
        var reasoningBlocks: [JSONValue] = []
        var toolCalls: [ToolCall] = []
        for block in blocks {
            switch block["type"].stringValue {
            case "text"?:
                text += block["text"].stringValue ?? ""
            case "thinking"?:
                reasoning += block["thinking"].stringValue ?? ""
                reasoningBlocks.append(block)
            case "redacted_thinking"?:
                reasoningBlocks.append(block)
            case "tool_use"?:
                toolCalls.append(
                    ToolCall(
                        id: block["id"].stringValue ?? "toolu_\(toolCalls.count)",
                        name: block["name"].stringValue ?? "",
                        arguments: ToolArguments.from(block["input"])))
            default:
                continue
            }
        }
        let mapped: String
        switch json["stop_reason"].stringValue {
        case "end_turn"?, "stop_sequence"?: mapped = "STOP"
        case "tool_use"?: mapped = "TOOL_CALLS"
        case "max_tokens"?: mapped = "MAX_TOKENS"
        case "refusal"?: mapped = "CONTENT_FILTER"
        case let other?: mapped = other.uppercased()
        case nil: mapped = ""
        }
        let usage = json["usage"]
        let promptTokens =
            (usage["input_tokens"].intValue ?? 0) + (usage["cache_creation_input_tokens"].intValue ?? 0)
            + (usage["cache_read_input_tokens"].intValue ?? 0)
        return ChatResponse(
            text: text,
            toolCalls: toolCalls,
            finishReason: normalizedFinishReason(mapped, hasToolCalls: !toolCalls.isEmpty),
            promptTokens: promptTokens,
            completionTokens: usage["output_tokens"].intValue ?? 0,
            reasoning: reasoning.isEmpty ? nil : reasoning, reasoningBlocks: reasoningBlocks.isEmpty ? nil : reasoningBlocks)
    }

    /// With thinking on, the API rejects a conversation whose last assistant turn used tools without its thinking
    /// blocks (a history written by another provider, or by a turn that ran without thinking). Such a request is
    /// sent without thinking rather than failed.
    static func thinkingAllowed(for messages: [ChatMessage]) -> Bool {
        guard let last = messages.last(where: { $0.role == .assistant }), !last.toolCalls.isEmpty else { return true }
        return !(last.reasoningBlocks ?? []).isEmpty
    }
}
