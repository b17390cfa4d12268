import Workflow

/// OpenAI Chat Completions (`POST {base}/chat/completions`), and every server that speaks it: vLLM, llama.cpp,
/// Ollama's `/v1`, Groq, Together, DeepSeek, Mistral, …
///
/// Mapping: assistant turns carry `tool_calls` (arguments as JSON text), tool results are `tool` messages with
/// `tool_call_id`; tools are `{"type":"function","function":{name, description, parameters}}`; `jsonOutput` sends
/// `response_format: {"type":"json_object"}`. Reasoning models (o-series, gpt-5) get `max_completion_tokens`
/// instead of `max_tokens` and no `temperature`, which they reject unless it is the default. `organization` is sent
/// as `OpenAI-Organization` (`OPENAI_ORG_ID`). Compatible servers that differ set ``jsonResponseFormat`` and
/// ``sendsTools`` (Perplexity).
public struct OpenAIProvider: LLMProvider {
    /// OpenAI's own endpoint.
    public static let defaultBaseURL = "https://api.openai.com/v1"

    /// Sent as `Authorization: Bearer …`; nil for local servers that need no key.
    public var apiKey: String?
    /// The API root, up to and including `/v1`. `ChatRequest.baseURL` overrides it per request.
    public var baseURL: String
    /// Timeout, retries and the HTTP client.
    public var transport: LLMTransport
    /// Sent as `OpenAI-Organization` when set.
    public var organization: String?
    /// The variable the key came from, named when the provider refuses it.
    public var keyVariable: String?
    /// `response_format` of a JSON-mode request; nil sends none.
    public var jsonResponseFormat: JSONValue? = ["type": "json_object"]
    /// False for servers without function calling: tools are left out of the request.
    public var sendsTools = true
    /// How often a video job is polled (GENERATE_VIDEO), and how long it may take in all.
    public var videoPollInterval: Duration = .seconds(5)
    public var videoDeadline: Duration = .seconds(900)

    public init(
        apiKey: String?, baseURL: String = OpenAIProvider.defaultBaseURL, transport: LLMTransport = .init(),
        organization: String? = nil, keyVariable: String? = nil
    ) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.transport = transport
        self.organization = organization
        self.keyVariable = keyVariable
    }

    /// `Authorization` and `OpenAI-Organization`, as far as they are set.
    var authHeaders: [(String, String)] {
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty {
            headers.append(("Authorization", "Bearer \(apiKey)"))
        }
        if let organization, !organization.isEmpty {
            headers.append(("OpenAI-Organization", organization))
        }
        return headers
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let base = request.baseURL.flatMap { $0.isEmpty ? nil : $0 } ?? baseURL
        let json = try await transport.postJSON(
            url: LLMTransport.join(base, "chat/completions"), headers: authHeaders,
            body: Self.requestBody(for: request, jsonResponseFormat: jsonResponseFormat, sendsTools: sendsTools),
            label: request.qualifiedModel, keyVariable: keyVariable)
        return try Self.response(from: json, label: request.qualifiedModel)
    }

    /// Models that take `max_completion_tokens` and reject a non-default `temperature`.
    static func isReasoningModel(_ model: String) -> Bool {
        let name = model.lowercased().split(separator: "/").last.map(String.init) ?? ""
        if name.hasPrefix("gpt-5") { return true }
        guard name.first == "o", name.count > 1 else { return false }
        return name[name.index(after: name.startIndex)].isNumber
    }

    /// The JSON body of a chat completion request.
    static func requestBody(
        for request: ChatRequest, jsonResponseFormat: JSONValue? = ["type": "json_object"], sendsTools: Bool = true
    ) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(request.messages.map(wireMessage)),
        ]
        if !request.tools.isEmpty, sendsTools {
            body["tools"] = .array(request.tools.map(wireTool))
        }
        let reasoning = isReasoningModel(request.model)
        if let temperature = request.temperature, !reasoning {
            body["temperature"] = .double(temperature)
        }
        if let maxTokens = request.maxTokens {
            body[reasoning ? "max_completion_tokens" : "max_tokens"] = .int(maxTokens)
        }
        if request.jsonOutput, let jsonResponseFormat {
            body["response_format"] = jsonResponseFormat
        }
        return .object(body)
    }

    static func wireMessage(_ message: ChatMessage) -> JSONValue {
        switch message.role {
        case .system, .user:
            return ["role": .string(message.role.rawValue), "content": .string(message.content)]
        case .assistant:
            var wire: [String: JSONValue] = ["role": "assistant"]
            wire["content"] = message.content.isEmpty && !message.toolCalls.isEmpty ? .null : .string(message.content)
            if !message.toolCalls.isEmpty {
                wire["tool_calls"] = .array(
                    message.toolCalls.map { call in
                        [
                            "id": .string(call.id), "type": "function",
                            "function": [
                                "name": .string(call.name),
                                "arguments": .string(JSONValue.object(call.arguments).jsonText()),
                            ],
                        ]
                    })
            }
            return .object(wire)
        case .tool:
            // A result with no call to answer cannot be a `tool` message on this wire; the model still sees it.
            guard let id = message.toolCallID else {
                let label = message.toolName.map { "Result of \($0): " } ?? "Tool result: "
                return ["role": "user", "content": .string(label + message.content)]
            }
            return ["role": "tool", "tool_call_id": .string(id), "content": .string(message.content)]
        }
    }

    static func wireTool(_ tool: ToolSpec) -> JSONValue {
        var function: [String: JSONValue] = [
            "name": .string(tool.name),
            "parameters": tool.inputSchema ?? ["type": "object", "properties": [:]],
        ]
        if let description = tool.description {
            function["description"] = .string(description)
        }
        return ["type": "function", "function": .object(function)]
    }

    /// Parses a chat completion; the first choice is the answer.
    static func response(from json: JSONValue, label: String) throws -> ChatResponse {
        guard let choice = json["choices"].arrayValue?.first else {
            throw LLMError(message: "\(label): the answer has no choices: \(json.jsonText().prefix(300))")
        }
        let message = choice["message"]
        let toolCalls = (message["tool_calls"].arrayValue ?? []).enumerated().map { index, call in
            ToolCall(
                id: call["id"].stringValue ?? "call_\(index)",
                name: call["function"]["name"].stringValue ?? "",
                arguments: ToolArguments.from(call["function"]["arguments"]))
        }
        let reasoning = message["reasoning_content"].stringValue ?? message["reasoning"].stringValue
        let mapped: String
        switch choice["finish_reason"].stringValue {
        case "stop"?: mapped = "STOP"
        case "tool_calls"?, "function_call"?: mapped = "TOOL_CALLS"
        case "length"?: mapped = "LENGTH"
        case "content_filter"?: mapped = "CONTENT_FILTER"
        case let other?: mapped = other.uppercased()
        case nil: mapped = ""
        }
        return ChatResponse(
            text: text(of: message["content"]),
            toolCalls: toolCalls,
            finishReason: normalizedFinishReason(mapped, hasToolCalls: !toolCalls.isEmpty),
            promptTokens: json["usage"]["prompt_tokens"].intValue ?? 0,
            completionTokens: json["usage"]["completion_tokens"].intValue ?? 0,
            reasoning: reasoning.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// `content` is a string, null, or (on some servers) a list of `{type: "text", text}` parts.
    private static func text(of content: JSONValue) -> String {
        if let text = content.stringValue { return text }
        return (content.arrayValue ?? []).compactMap { $0["text"].stringValue }.joined()
    }
}
