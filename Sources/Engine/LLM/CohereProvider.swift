import Workflow

/// Cohere's v2 Chat API (`POST {base}/v2/chat`, `Authorization: Bearer`, `COHERE_API_KEY`).
///
/// Mapping: messages keep their roles (`system`, `user`, `assistant`, `tool`); assistant tool calls are
/// OpenAI-shaped `tool_calls` (arguments as JSON text) and tool results `tool` messages with `tool_call_id`;
/// tools are `{type: function, function: {name, description, parameters}}`; `jsonOutput` sends
/// `response_format: {type: json_object}`. The answer's `message.content` is a list of text parts, its
/// `tool_plan` (the model's reasoning before calling tools) becomes ``ChatResponse/reasoning``, and usage is read
/// from `usage.tokens` (falling back to `usage.billed_units`).
public struct CohereProvider: LLMProvider {
    public static let defaultBaseURL = "https://api.cohere.com"

    public var apiKey: String?
    /// The API root without `/v2`.
    public var baseURL: String
    public var transport: LLMTransport

    public init(apiKey: String?, baseURL: String = CohereProvider.defaultBaseURL, transport: LLMTransport = .init()) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.transport = transport
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let json = try await transport.postJSON(
            url: LLMTransport.join(request.baseURL.flatMap { $0.isEmpty ? nil : $0 } ?? baseURL, "v2/chat"),
            headers: headers, body: Self.requestBody(for: request), label: request.qualifiedModel,
            keyVariable: "COHERE_API_KEY")
        return try Self.response(from: json, label: request.qualifiedModel)
    }

    /// The JSON body of a v2 chat request.
    static func requestBody(for request: ChatRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model), "messages": .array(request.messages.map(wireMessage)), "stream": false,
        ]
        if !request.tools.isEmpty { body["tools"] = .array(request.tools.map(OpenAIProvider.wireTool)) }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if let maxTokens = request.maxTokens { body["max_tokens"] = .int(maxTokens) }
        if request.jsonOutput { body["response_format"] = ["type": "json_object"] }
        return .object(body)
    }

    static func wireMessage(_ message: ChatMessage) -> JSONValue {
        switch message.role {
        case .system, .user:
            return ["role": .string(message.role.rawValue), "content": .string(message.content)]
        case .assistant:
            var wire: [String: JSONValue] = ["role": "assistant"]
            if message.toolCalls.isEmpty {
                wire["content"] = .string(message.content)
            } else {
                // Cohere keeps the words before a tool call as the plan of that call.
                if !message.content.isEmpty { wire["tool_plan"] = .string(message.content) }
                wire["tool_calls"] = .array(
                    message.toolCalls.map { call in
                        [
                            "id": .string(call.id), "type": "function",
                            "function": [
                                "name": .string(call.name), "arguments": .string(JSONValue.object(call.arguments).jsonText()),
                            ],
                        ]
                    })
            }
            return .object(wire)
        case .tool:
            guard let id = message.toolCallID else {
                let label = message.toolName.map { "Result of \($0): " } ?? "Tool result: "
                return ["role": "user", "content": .string(label + message.content)]
            }
            return ["role": "tool", "tool_call_id": .string(id), "content": .string(message.content)]
        }
    }

    /// Parses a v2 chat answer.
    static func response(from json: JSONValue, label: String) throws -> ChatResponse {
        let message = json["message"]
        guard message.objectValue != nil else {
            throw LLMError(message: "\(label): the answer has no message: \(json.jsonText().prefix(300))")
        }
        let text: String
        if let plain = message["content"].stringValue {
            text = plain
        } else {
            text = (message["content"].arrayValue ?? []).compactMap { $0["text"].stringValue }.joined()
        }
        let toolCalls = (message["tool_calls"].arrayValue ?? []).enumerated().map { index, call in
            ToolCall(
                id: call["id"].stringValue ?? "call_\(index)", name: call["function"]["name"].stringValue ?? "",
                arguments: ToolArguments.from(call["function"]["arguments"]))
        }
        let mapped: String
        switch json["finish_reason"].stringValue {
        case "COMPLETE"?, "STOP_SEQUENCE"?: mapped = "STOP"
        case "TOOL_CALL"?: mapped = "TOOL_CALLS"
        case "MAX_TOKENS"?: mapped = "MAX_TOKENS"
        case let other?: mapped = other.uppercased()
        case nil: mapped = ""
        }
        let tokens = json["usage"]["tokens"].objectValue != nil ? json["usage"]["tokens"] : json["usage"]["billed_units"]
        let plan = message["tool_plan"].stringValue ?? ""
        return ChatResponse(
            text: text, toolCalls: toolCalls, finishReason: normalizedFinishReason(mapped, hasToolCalls: !toolCalls.isEmpty),
            promptTokens: tokens["input_tokens"].intValue ?? 0, completionTokens: tokens["output_tokens"].intValue ?? 0,
            reasoning: plan.isEmpty ? nil : plan)
    }
}
