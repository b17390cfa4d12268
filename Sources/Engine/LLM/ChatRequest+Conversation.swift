import Foundation
import Workflow

extension ChatRequest {
    /// `provider/model`, as agent specs write it.
    public var qualifiedModel: String { "\(provider)/\(model)" }

    /// The text of the first user message (the agent's prompt), or "" when there is none.
    public var firstUserMessage: String {
        messages.first { $0.role == .user }?.content ?? ""
    }

    /// All system messages joined by a blank line (providers with a single system slot get this).
    public var systemText: String {
        messages.filter { $0.role == .system }.map(\.content).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// How many assistant turns the history already holds (an assistant message with tool calls counts as one):
    /// the index of the turn this request asks for.
    public var assistantTurnCount: Int {
        messages.filter { $0.role == .assistant }.count
    }

    /// A rough token count of the whole request (characters / 4), for providers that report none.
    var estimatedPromptTokens: Int {
        let characters = messages.reduce(0) { total, message in
            total + message.content.count
                + message.toolCalls.reduce(0) { $0 + $1.name.count + JSONValue.object($1.arguments).jsonText().count }
        }
        return max(1, characters / 4)
    }
}

/// Parsing of the JSON-encoded arguments OpenAI-style providers send with a tool call.
enum ToolArguments {
    /// The arguments as an object. An empty string is `{}`; a JSON object encoded twice is unwrapped; anything
    /// else that is not an object (malformed JSON from a small model, say) is kept verbatim as `{"_raw": text}`
    /// so that the tool sees what the model produced instead of the execution failing.
    static func parse(_ text: String) -> [String: JSONValue] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [:] }
        switch try? JSONValue.parse(trimmed) {
        case .object(let object)?:
            return object
        case .string(let inner)?:
            if case .object(let object)? = try? JSONValue.parse(inner) { return object }
        default:
            break
        }
        return ["_raw": .string(text)]
    }

    /// Arguments as any JSON value (Ollama sends objects, some servers send strings).
    static func from(_ value: JSONValue) -> [String: JSONValue] {
        switch value {
        case .object(let object): return object
        case .string(let text): return parse(text)
        case .null: return [:]
        default: return ["_raw": .string(value.jsonText())]
        }
    }
}

/// The finish reason when a provider's own is missing or disagrees with the presence of tool calls: the agent
/// loop only runs tools when it sees `TOOL_CALLS`, and some OpenAI-compatible servers say `stop` beside them.
func normalizedFinishReason(_ mapped: String, hasToolCalls: Bool) -> String {
    if hasToolCalls && (mapped == "STOP" || mapped.isEmpty) { return "TOOL_CALLS" }
    if mapped.isEmpty { return "STOP" }
    return mapped
}
