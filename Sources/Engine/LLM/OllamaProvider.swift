import Foundation
import Workflow

/// Ollama's native chat API (`POST {host}/api/chat`, `stream: false`).
///
/// Mapping: tool calls carry their arguments as JSON objects; tool results are `tool` messages with `tool_name`;
/// `jsonOutput` sends `format: "json"`; `temperature` and `maxTokens` go into `options` (`num_predict`); a thinking
/// budget turns on `think`. Ollama gives tool calls no ids, so each gets a fresh unique one (they become Conductor
/// task reference names and must not collide across iterations of the agent loop).
public struct OllamaProvider: LLMProvider {
    /// Where `ollama serve` listens by default.
    public static let defaultHost = "http://localhost:11434"

    /// Host as `OLLAMA_HOST` writes it: `http://host:port`, or just `host:port` (http assumed).
    public var host: String
    /// Timeout, retries and the HTTP client.
    public var transport: LLMTransport

    public init(host: String = OllamaProvider.defaultHost, transport: LLMTransport = .init()) {
        self.host = host
        self.transport = transport
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let base = Self.normalizedHost(request.baseURL.flatMap { $0.isEmpty ? nil : $0 } ?? host)
        let json = try await transport.postJSON(
            url: LLMTransport.join(base, "api/chat"), headers: [], body: Self.requestBody(for: request),
            label: request.qualifiedModel)
        return try Self.response(from: json, label: request.qualifiedModel)
    }

    /// Adds the `http://` scheme `OLLAMA_HOST` usually leaves out.
    static func normalizedHost(_ host: String) -> String {
        host.contains("://") ? host : "http://" + host
    }

    /// The JSON body of an `/api/chat` request.
    static func requestBody(for request: ChatRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "stream": false,
            "messages": .array(request.messages.map(wireMessage)),
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map(OpenAIProvider.wireTool))
        }
        if request.jsonOutput {
            body["format"] = "json"
        }
        if let budget = request.thinkingBudgetTokens, budget > 0 {
            body["think"] = true
        }
        var options: [String: JSONValue] = [:]
        if let temperature = request.temperature {
            options["temperature"] = .double(temperature)
        }
        if let maxTokens = request.maxTokens {
            options["num_predict"] = .int(maxTokens)
        }
        if !options.isEmpty {
            body["options"] = .object(options)
        }
        return .object(body)
    }

    static func wireMessage(_ message: ChatMessage) -> JSONValue {
        var wire: [String: JSONValue] = ["role": .string(message.role.rawValue), "content": .string(message.content)]
        if !message.toolCalls.isEmpty {
            wire["tool_calls"] = .array(
                message.toolCalls.map { call in
                    ["function": ["name": .string(call.name), "arguments": .object(call.arguments)]]
                })
        }
        if message.role == .tool, let name = message.toolName {
            wire["tool_name"] = .string(name)
        }
        return .object(wire)
    }

    /// Parses an `/api/chat` answer.
    static func response(from json: JSONValue, label: String) throws -> ChatResponse {
        let message = json["message"]
        guard message.objectValue != nil else {
            throw LLMError(message: "\(label): the answer has no message: \(json.jsonText().prefix(300))")
        }
        let toolCalls = (message["tool_calls"].arrayValue ?? []).map { call in
            ToolCall(
                id: call["id"].stringValue ?? freshCallID(),
                name: call["function"]["name"].stringValue ?? "",
                arguments: ToolArguments.from(call["function"]["arguments"]))
        }
        let mapped: String
        switch json["done_reason"].stringValue {
        case "stop"?: mapped = "STOP"
        case "length"?: mapped = "LENGTH"
        case let other?: mapped = other.uppercased()
        case nil: mapped = ""
        }
        let thinking = message["thinking"].stringValue ?? ""
        return ChatResponse(
            text: message["content"].stringValue ?? "",
            toolCalls: toolCalls,
            finishReason: normalizedFinishReason(mapped, hasToolCalls: !toolCalls.isEmpty),
            promptTokens: json["prompt_eval_count"].intValue ?? 0,
            completionTokens: json["eval_count"].intValue ?? 0,
            reasoning: thinking.isEmpty ? nil : thinking)
    }

    private static func freshCallID() -> String {
        "call_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }
}
