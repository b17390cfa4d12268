import Foundation
import Workflow

/// AWS Bedrock's Converse API (`POST https://bedrock-runtime.{region}.amazonaws.com/model/{modelId}/converse`),
/// signed with SigV4 (``SigV4Signer``, service `bedrock`) from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN`.
///
/// Mapping: system messages become `system` text blocks; an assistant turn is `text` plus `toolUse` blocks; tool
/// results are `toolResult` blocks (an object answer as `json`, anything else as `text`) in a user message; same-role
/// neighbours are merged (Converse wants the roles to alternate, starting with the user). Tools are
/// `toolConfig.tools[].toolSpec` with `inputSchema.json`. Converse has no JSON mode: `jsonOutput` relies on the
/// instructions. With a thinking budget, Anthropic models get `additionalModelRequestFields.thinking`, and their
/// `reasoningContent` blocks go back verbatim.
public struct BedrockProvider: LLMProvider {
    /// Bedrock's region when `AWS_REGION` (and `AWS_DEFAULT_REGION`) is unset, as Agentspan's.
    public static let defaultRegion = "us-east-1"

    public var signer: SigV4Signer
    /// The runtime endpoint; nil for `https://bedrock-runtime.{region}.amazonaws.com`.
    public var baseURL: String?
    public var transport: LLMTransport
    /// The clock signatures are dated by (fixed in tests).
    var now: @Sendable () -> Date = { Date() }

    public init(signer: SigV4Signer, baseURL: String? = nil, transport: LLMTransport = .init()) {
        self.signer = signer
        self.baseURL = baseURL
        self.transport = transport
    }

    /// The endpoint root.
    var root: String { baseURL ?? "https://bedrock-runtime.\(signer.region).amazonaws.com" }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let json = try await post(model: request.model, action: "converse", body: Self.requestBody(for: request), label: request.qualifiedModel)
        return try Self.response(from: json, label: request.qualifiedModel)
    }

    /// A SigV4-signed `POST {root}/model/{model}/{action}` with a JSON body; the JSON answer.
    func post(model: String, action: String, body: JSONValue, label: String) async throws -> JSONValue {
        // Model ids hold `:` (`…-v2:0`), which goes on the wire percent-encoded.
        let path = "/model/\(SigV4Signer.encode(model))/\(action)"
        guard let components = URLComponents(string: root), let host = components.host else {
            throw LLMError(message: "\(label): invalid Bedrock endpoint \(root) (AWS_BEDROCK_BASE_URL)")
        }
        let prefix = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        let data = Data(body.jsonText().utf8)
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        let headers = [("Host", hostHeader), ("Content-Type", "application/json"), ("Accept", "application/json")]
        let signed = signer.signingHeaders(method: "POST", path: prefix + path, headers: headers, body: data, date: now())
        let payload = try await transport.request(
            method: .POST, url: LLMTransport.join(root, path), headers: headers + signed, body: data,
            label: label, keyVariable: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
        return try LLMTransport.json(payload.data, label: label)
    }

    /// The JSON body of a Converse request.
    static func requestBody(for request: ChatRequest) -> JSONValue {
        var body: [String: JSONValue] = ["messages": .array(wireMessages(request.messages))]
        let system = request.systemText
        if !system.isEmpty { body["system"] = [["text": .string(system)]] }
        if !request.tools.isEmpty {
            body["toolConfig"] = [
                "tools": .array(
                    request.tools.map { tool in
                        var spec: [String: JSONValue] = [
                            "name": .string(tool.name),
                            "inputSchema": ["json": tool.inputSchema ?? ["type": "object", "properties": [:]]],
                        ]
                        if let description = tool.description { spec["description"] = .string(description) }
                        return ["toolSpec": .object(spec)]
                    })
            ]
        }
        var inference: [String: JSONValue] = [:]
        if let maxTokens = request.maxTokens { inference["maxTokens"] = .int(maxTokens) }
        let thinking = request.thinkingBudgetTokens.map { $0 > 0 } == true && request.model.contains("anthropic.")
        if let temperature = request.temperature, !thinking { inference["temperature"] = .double(temperature) }
        if thinking, let budget = request.thinkingBudgetTokens {
            body["additionalModelRequestFields"] = ["thinking": ["type": "enabled", "budget_tokens": .int(budget)]]
            if (request.maxTokens ?? 0) <= budget { inference["maxTokens"] = .int(budget + 4096) }
        }
        if !inference.isEmpty { body["inferenceConfig"] = .object(inference) }
        return .object(body)
    }

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
                add("user", message.content.isEmpty ? [] : [["text": .string(message.content)]])
            case .assistant:
                var blocks = message.reasoningBlocks ?? []
                if !message.content.isEmpty { blocks.append(["text": .string(message.content)]) }
                blocks += message.toolCalls.map { call in
                    ["toolUse": ["toolUseId": .string(call.id), "name": .string(call.name), "input": .object(call.arguments)]]
                }
                add("assistant", blocks)
            case .tool:
                guard let id = message.toolCallID else {
                    let label = message.toolName.map { "Result of \($0): " } ?? "Tool result: "
                    add("user", [["text": .string(label + message.content)]])
                    continue
                }
                var content: JSONValue = [["text": .string(message.content.isEmpty ? "(empty)" : message.content)]]
                if let parsed = try? JSONValue.parse(message.content), parsed.objectValue != nil { content = [["json": parsed]] }
                add("user", [["toolResult": ["toolUseId": .string(id), "content": content]]])
            }
        }
        return turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }
    }

    /// Parses a Converse answer.
    static func response(from json: JSONValue, label: String) throws -> ChatResponse {
        guard let blocks = json["output"]["message"]["content"].arrayValue else {
            throw LLMError(message: "\(label): the answer has no output message: \(json.jsonText().prefix(300))")
        }
        var text = ""
        var reasoning = ""
        var kept: [JSONValue] = []
        var toolCalls: [ToolCall] = []
        for block in blocks {
            if let piece = block["text"].stringValue {
                text += piece
            } else if let use = block["toolUse"].objectValue {
                toolCalls.append(
                    ToolCall(
                        id: use["toolUseId"]?.stringValue ?? "tooluse_\(toolCalls.count)", name: use["name"]?.stringValue ?? "",
                        arguments: ToolArguments.from(use["input"] ?? .null)))
            } else if block["reasoningContent"] != .null {
                reasoning += block["reasoningContent"]["reasoningText"]["text"].stringValue ?? ""
                kept.append(block)
            }
        }
        let mapped: String
        switch json["stopReason"].stringValue {
        case "end_turn"?, "stop_sequence"?: mapped = "STOP"
        case "tool_use"?: mapped = "TOOL_CALLS"
        case "max_tokens"?: mapped = "MAX_TOKENS"
        case "guardrail_intervened"?, "content_filtered"?: mapped = "CONTENT_FILTER"
        case let other?: mapped = other.uppercased()
        case nil: mapped = ""
        }
        return ChatResponse(
            text: text, toolCalls: toolCalls, finishReason: normalizedFinishReason(mapped, hasToolCalls: !toolCalls.isEmpty),
            promptTokens: json["usage"]["inputTokens"].intValue ?? 0,
            completionTokens: json["usage"]["outputTokens"].intValue ?? 0,
            reasoning: reasoning.isEmpty ? nil : reasoning, reasoningBlocks: kept.isEmpty ? nil : kept)
    }
}
