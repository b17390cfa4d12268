import Foundation
import Workflow

/// Google Gemini's `generateContent` REST API, through AI Studio (`GEMINI_API_KEY`, sent as `x-goog-api-key`) or
/// Vertex AI (`GOOGLE_CLOUD_PROJECT`, `GOOGLE_CLOUD_LOCATION`, an OAuth access token from `GOOGLE_ACCESS_TOKEN`
/// sent as a bearer token; no token exchange happens here).
///
/// Mapping: system messages become `systemInstruction`; assistant turns are `model` contents with `text` and
/// `functionCall` parts; tool results are `functionResponse` parts of a `user` content (an object answer as is,
/// anything else as `{result: …}`); same-role neighbours are merged. Tools are one `functionDeclarations` list with
/// their schemas cut down to the OpenAPI subset Gemini accepts. `jsonOutput` sets `responseMimeType:
/// application/json`; a thinking budget sets `thinkingConfig`. Parts carrying a `thoughtSignature` are kept
/// (``ChatResponse/reasoningBlocks``) and sent back verbatim. Gemini gives function calls no ids (or ids that are
/// not unique across turns), so each gets a fresh one.
public struct GeminiProvider: LLMProvider {
    /// Where the AI Studio API lives.
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com"
    /// Vertex AI's default region.
    public static let defaultLocation = "us-central1"

    /// Which Google API serves the requests.
    public enum Backend: Sendable, Hashable {
        /// AI Studio with an API key.
        case aiStudio(apiKey: String, baseURL: String)
        /// Vertex AI with a project, a location and an OAuth access token.
        case vertex(project: String, location: String, accessToken: String, baseURL: String?)
    }

    public var backend: Backend
    public var transport: LLMTransport
    /// How often a Veo video operation is polled, and how long it may take in all.
    public var videoPollInterval: Duration = .seconds(5)
    public var videoDeadline: Duration = .seconds(900)

    public init(backend: Backend, transport: LLMTransport = .init()) {
        self.backend = backend
        self.transport = transport
    }

    /// The URL of `method` (`generateContent`, `predict`) for `model`, and the headers that authenticate it.
    func endpoint(model: String, method: String) -> (url: String, headers: [(String, String)], keyVariable: String) {
        let escaped = model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", ":"])) ?? model
        switch backend {
        case .aiStudio(let key, let base):
            return (LLMTransport.join(base, "v1beta/models/\(escaped):\(method)"), [("x-goog-api-key", key)], "GEMINI_API_KEY")
        case .vertex(let project, let location, let token, let base):
            let host = base ?? (location == "global" ? "https://aiplatform.googleapis.com" : "https://\(location)-aiplatform.googleapis.com")
            let path = "v1/projects/\(project)/locations/\(location)/publishers/google/models/\(escaped):\(method)"
            return (LLMTransport.join(host, path), [("Authorization", "Bearer \(token)")], "GOOGLE_ACCESS_TOKEN")
        }
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let target = endpoint(model: request.model, method: "generateContent")
        let json = try await transport.postJSON(
            url: target.url, headers: target.headers, body: Self.requestBody(for: request), label: request.qualifiedModel,
            keyVariable: target.keyVariable)
        return try Self.response(from: json, label: request.qualifiedModel)
    }

    /// The JSON body of a `generateContent` request.
    static func requestBody(for request: ChatRequest) -> JSONValue {
        var body: [String: JSONValue] = ["contents": .array(contents(request.messages))]
        let system = request.systemText
        if !system.isEmpty {
            body["systemInstruction"] = ["parts": [["text": .string(system)]]]
        }
        if !request.tools.isEmpty {
            body["tools"] = [["functionDeclarations": .array(request.tools.map(declaration))]]
        }
        var config: [String: JSONValue] = [:]
        if let temperature = request.temperature { config["temperature"] = .double(temperature) }
        if let maxTokens = request.maxTokens { config["maxOutputTokens"] = .int(maxTokens) }
        if request.jsonOutput { config["responseMimeType"] = "application/json" }
        if let budget = request.thinkingBudgetTokens, budget > 0 {
            config["thinkingConfig"] = ["thinkingBudget": .int(budget), "includeThoughts": true]
        }
        if !config.isEmpty { body["generationConfig"] = .object(config) }
        return .object(body)
    }

    /// Messages as `contents`, same-role neighbours merged (Gemini wants user and model turns to alternate).
    static func contents(_ messages: [ChatMessage]) -> [JSONValue] {
        var turns: [(role: String, parts: [JSONValue])] = []
        var callNames: [String: String] = [:]
        func add(_ role: String, _ parts: [JSONValue]) {
            guard !parts.isEmpty else { return }
            if turns.last?.role == role {
                turns[turns.count - 1].parts += parts
            } else {
                turns.append((role, parts))
            }
        }
        for message in messages {
            switch message.role {
            case .system:
                continue
            case .user:
                add("user", message.content.isEmpty ? [] : [["text": .string(message.content)]])
            case .assistant:
                for call in message.toolCalls { callNames[call.id] = call.name }
                if let kept = message.reasoningBlocks, !kept.isEmpty {
                    add("model", kept)
                    continue
                }
                var parts: [JSONValue] = message.content.isEmpty ? [] : [["text": .string(message.content)]]
                parts += message.toolCalls.map { ["functionCall": ["name": .string($0.name), "args": .object($0.arguments)]] }
                add("model", parts)
            case .tool:
                let name = message.toolName ?? message.toolCallID.flatMap { callNames[$0] }
                guard let name else {
                    add("user", [["text": .string("Tool result: " + message.content)]])
                    continue
                }
                var response: JSONValue = ["result": .string(message.content)]
                if let parsed = try? JSONValue.parse(message.content), parsed.objectValue != nil { response = parsed }
                add("user", [["functionResponse": ["name": .string(name), "response": response]]])
            }
        }
        return turns.map { ["role": .string($0.role), "parts": .array($0.parts)] }
    }

    static func declaration(_ tool: ToolSpec) -> JSONValue {
        var wire: [String: JSONValue] = ["name": .string(tool.name)]
        if let description = tool.description { wire["description"] = .string(description) }
        if let schema = tool.inputSchema.map(geminiSchema), schema["properties"].objectValue?.isEmpty == false {
            wire["parameters"] = schema
        }
        return .object(wire)
    }

    /// Keys of Gemini's OpenAPI schema subset; the rest (`additionalProperties`, `$schema`, …) is refused by the API.
    static let schemaKeys: Set<String> = [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum",
    ]

    /// A JSON Schema reduced to what Gemini accepts, recursively.
    static func geminiSchema(_ schema: JSONValue) -> JSONValue {
        guard case .object(let object) = schema else { return schema }
        var out: [String: JSONValue] = [:]
        for (key, value) in object where schemaKeys.contains(key) {
            switch key {
            case "properties":
                out[key] = .object((value.objectValue ?? [:]).mapValues(geminiSchema))
            case "items":
                out[key] = geminiSchema(value)
            case "anyOf":
                out[key] = .array((value.arrayValue ?? []).map(geminiSchema))
            case "type":
                // `type: [string, "null"]` is JSON Schema's nullable.
                if let types = value.arrayValue?.compactMap(\.stringValue) {
                    let real = types.filter { $0 != "null" }
                    out["type"] = .string(real.first ?? "string")
                    if real.count < types.count { out["nullable"] = true }
                } else {
                    out[key] = value
                }
            default:
                out[key] = value
            }
        }
        return .object(out)
    }

    /// Parses a `generateContent` answer; the first candidate is the answer.
    static func response(from json: JSONValue, label: String) throws -> ChatResponse {
        let usage = json["usageMetadata"]
        let promptTokens = usage["promptTokenCount"].intValue ?? 0
        let completionTokens = (usage["candidatesTokenCount"].intValue ?? 0) + (usage["thoughtsTokenCount"].intValue ?? 0)
        guard let candidate = json["candidates"].arrayValue?.first else {
            if let blocked = json["promptFeedback"]["blockReason"].stringValue {
                return ChatResponse(
                    text: "", finishReason: "CONTENT_FILTER", promptTokens: promptTokens,
                    completionTokens: completionTokens, reasoning: "prompt blocked: \(blocked)")
            }
            throw LLMError(message: "\(label): the answer has no candidates: \(json.jsonText().prefix(300))")
        }
        let parts = candidate["content"]["parts"].arrayValue ?? []
        var text = ""
        var reasoning = ""
        var toolCalls: [ToolCall] = []
        for part in parts {
            if let call = part["functionCall"].objectValue {
                toolCalls.append(
                    ToolCall(
                        id: freshCallID(), name: call["name"]?.stringValue ?? "",
                        arguments: ToolArguments.from(call["args"] ?? .null)))
            } else if let piece = part["text"].stringValue {
                if part["thought"].boolValue == true { reasoning += piece } else { text += piece }
            }
        }
        let signed = parts.contains { $0["thoughtSignature"].stringValue != nil }
        let mapped: String
        switch candidate["finishReason"].stringValue {
        case "STOP"?: mapped = "STOP"
        case "MAX_TOKENS"?: mapped = "MAX_TOKENS"
        case "SAFETY"?, "RECITATION"?, "BLOCKLIST"?, "PROHIBITED_CONTENT"?, "SPII"?, "IMAGE_SAFETY"?: mapped = "CONTENT_FILTER"
        case let other?: mapped = other.uppercased()
        case nil: mapped = ""
        }
        return ChatResponse(
            text: text, toolCalls: toolCalls,
            finishReason: normalizedFinishReason(mapped, hasToolCalls: !toolCalls.isEmpty),
            promptTokens: promptTokens, completionTokens: completionTokens,
            reasoning: reasoning.isEmpty ? nil : reasoning,
            reasoningBlocks: signed && !toolCalls.isEmpty ? parts : nil)
    }

    static func freshCallID() -> String {
        "call_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }
}
