import Foundation
import Workflow

/// Maps an LLM_CHAT_COMPLETE task's input to a ``ChatRequest`` and a ``ChatResponse`` to the task output
/// (conductor.md §9, agentspan-compiler.md §8.1).
enum LLMChatTask {
    /// Builds the request from the task input (whose `messages` already carry the reconstructed history).
    static func request(from input: [String: JSONValue]) throws -> ChatRequest {
        guard let provider = input[value: "llmProvider"].stringValue, !provider.isEmpty else {
            throw LLMError(message: "LLM_CHAT_COMPLETE input 'llmProvider' is required")
        }
        let model = input[value: "model"].stringValue ?? ""
        var messages: [ChatMessage] = []
        if let instructions = input[value: "instructions"].stringValue, !instructions.isEmpty {
            messages.append(ChatMessage(role: .system, content: instructions))
        }
        for m in input[value: "messages"].arrayValue ?? [] { if let message = chatMessage(m) { messages.append(message) } }
        if messages.allSatisfy({ $0.role == .system }), let user = input[value: "userInput"].stringValue, !user.isEmpty {
            messages.append(ChatMessage(role: .user, content: user))
        }
        let tools = (input[value: "tools"].arrayValue ?? []).compactMap { t -> ToolSpec? in
            guard let name = t["name"].stringValue else { return nil }
            return ToolSpec(
                name: name, description: t["description"].stringValue,
                inputSchema: t["inputSchema"] == .null ? nil : t["inputSchema"], type: t["type"].stringValue ?? "SIMPLE")
        }
        var thinking: Int?
        if input[value: "thinkingConfig"]["enabled"].boolValue == true {
            thinking = input[value: "thinkingConfig"]["budgetTokens"].intValue ?? 1024
        } else if let limit = input[value: "thinkingTokenLimit"].intValue, limit > 0 {
            thinking = limit
        }
        return ChatRequest(
            provider: provider, model: model, messages: messages, tools: tools,
            temperature: input[value: "temperature"].doubleValue, maxTokens: input[value: "maxTokens"].intValue,
            jsonOutput: input[value: "jsonOutput"].boolValue ?? (input[value: "jsonOutput"].stringValue == "true"),
            baseURL: input[value: "baseUrl"].stringValue.flatMap { $0.isEmpty ? nil : $0 }, thinkingBudgetTokens: thinking)
    }

    /// One stored message map → a provider message (roles system, user, assistant, tool_call, tool).
    static func chatMessage(_ m: JSONValue) -> ChatMessage? {
        let text = Session.resultText(m["message"], unwrapResponse: false)
        switch m["role"].stringValue ?? "user" {
        case "system": return ChatMessage(role: .system, content: text)
        case "assistant", "model":
            let calls = toolCalls(m["toolCalls"])
            return ChatMessage(role: .assistant, content: text, toolCalls: calls)
        case "tool_call":
            return ChatMessage(
                role: .assistant, content: text, toolCalls: toolCalls(m["toolCalls"]),
                reasoningBlocks: m["reasoningBlocks"].arrayValue)
        case "tool":
            let first = m["toolCalls"].arrayValue?.first ?? .null
            let id = m["toolCallId"].stringValue ?? m["taskReferenceName"].stringValue ?? first["taskReferenceName"].stringValue
            let name = m["name"].stringValue ?? first["name"].stringValue
            var content = text
            if content.isEmpty, first["output"] != .null { content = first["output"].jsonText() }
            return ChatMessage(role: .tool, content: content, toolCallID: id, toolName: name)
        default:
            return ChatMessage(role: .user, content: text)
        }
    }

    static func toolCalls(_ value: JSONValue) -> [ToolCall] {
        (value.arrayValue ?? []).compactMap { c in
            guard let name = c["name"].stringValue else { return nil }
            var args = c["inputParameters"].objectValue ?? [:]
            args["method"] = nil
            return ToolCall(id: c["taskReferenceName"].stringValue ?? name, name: name, arguments: args)
        }
    }

    /// The task output for a response: `result` (parsed JSON when `jsonOutput`), `finishReason`, `toolCalls`
    /// (omitted when none), token counts, `reasoning`.
    static func output(for response: ChatResponse, request: ChatRequest) -> [String: JSONValue] {
        var output: [String: JSONValue] = [
            "result": request.jsonOutput ? parseJSON(response.text) ?? .string(response.text) : .string(response.text),
            "finishReason": .string(response.finishReason.uppercased()),
            "tokenUsed": .int(response.promptTokens + response.completionTokens),
            "promptTokens": .int(response.promptTokens), "completionTokens": .int(response.completionTokens),
        ]
        if !response.toolCalls.isEmpty {
            let types = Dictionary(request.tools.map { ($0.name, $0.type ?? "SIMPLE") }, uniquingKeysWith: { a, _ in a })
            output[value: "toolCalls"] = .array(
                response.toolCalls.map { call in
                    var params = call.arguments
                    params["method"] = .string(call.name)
                    return [
                        "taskReferenceName": .string(call.id), "name": .string(call.name),
                        "type": .string(types[call.name] ?? "SIMPLE"), "inputParameters": .object(params),
                    ]
                })
        }
        if let reasoning = response.reasoning { output[value: "reasoning"] = .string(reasoning) }
        if let blocks = response.reasoningBlocks, !blocks.isEmpty { output[value: "reasoningBlocks"] = .array(blocks) }
        return output
    }

    /// JSON text, tolerating a leading ```json fence.
    static func parseJSON(_ text: String) -> JSONValue? {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.hasPrefix("```") {
            t = String(t.drop { $0 != "\n" })
            if t.hasSuffix("```") { t = String(t.dropLast(3)) }
        }
        return try? JSONValue.parse(t)
    }
}
