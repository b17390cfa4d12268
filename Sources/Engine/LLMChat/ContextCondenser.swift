import Workflow

/// Keeps a rebuilt chat history inside the model's context window (agentspan-compiler.md §8.2): when the estimated
/// tokens (characters / 3.5) exceed the window minus the answer's `maxTokens`, every exchange but the most recent
/// five is replaced by one assistant message that lists what happened in them.
///
/// An exchange is one `tool_call` message with the tool results that answer it, or any other single message. The
/// static messages the task was defined with (system prompt, memory, the user's prompt) are never condensed.
/// The summary is mechanical (tool names, arguments and the head of each result), so condensing costs no model call
/// and is the same on every replay.
struct ContextCondenser {
    /// Tokens assumed when a model's window is not given (Agentspan's `agentspan.default-context-window`).
    static let defaultContextWindow = 128_000
    /// Exchanges kept verbatim.
    static let recentExchanges = 5

    var contextWindow: Int
    var maxTokens: Int

    /// Condenses `messages` in place when they do not fit; returns
    /// `{trigger, messagesBefore, messagesAfter, exchangesCondensed}`, or nil when nothing was condensed.
    func condense(_ messages: inout [JSONValue], staticCount: Int) -> JSONValue? {
        let budget = Double(max(contextWindow - maxTokens, 1))
        guard Self.estimatedTokens(messages) > budget else { return nil }
        let exchanges = Self.exchanges(Array(messages[staticCount...]))
        guard exchanges.count > Self.recentExchanges else { return nil }
        let old = exchanges.dropLast(Self.recentExchanges)
        let summary: JSONValue = ["role": "assistant", "message": .string(Self.summary(of: Array(old)))]
        let before = messages.count
        messages = Array(messages[..<staticCount]) + [summary] + exchanges.suffix(Self.recentExchanges).flatMap { $0 }
        return [
            "trigger": "proactive (exceeds context window)", "messagesBefore": .int(before),
            "messagesAfter": .int(messages.count), "exchangesCondensed": .int(old.count),
        ]
    }

    static func estimatedTokens(_ messages: [JSONValue]) -> Double {
        let characters = messages.reduce(0) { total, message in
            total + Session.resultText(message["message"], unwrapResponse: false).count
                + (message["toolCalls"] == .null ? 0 : message["toolCalls"].jsonText().count)
        }
        return Double(characters) / 3.5
    }

    static func exchanges(_ messages: [JSONValue]) -> [[JSONValue]] {
        var groups: [[JSONValue]] = []
        for message in messages {
            if message["role"].stringValue == "tool", let last = groups.last?.first, last["role"].stringValue == "tool_call" {
                groups[groups.count - 1].append(message)
            } else {
                groups.append([message])
            }
        }
        return groups
    }

    /// One line per call or message, each cut to a readable length; at most 4,000 characters in all.
    static func summary(of exchanges: [[JSONValue]]) -> String {
        var lines: [String] = []
        for exchange in exchanges {
            guard let head = exchange.first else { continue }
            let role = head["role"].stringValue ?? "user"
            if role == "tool_call" {
                let results = Dictionary(
                    exchange.dropFirst().map { ($0["toolCallId"].stringValue ?? "", $0["message"].stringValue ?? "") },
                    uniquingKeysWith: { first, _ in first })
                for call in head["toolCalls"].arrayValue ?? [] {
                    var arguments = call["inputParameters"].objectValue ?? [:]
                    arguments["method"] = nil
                    let result = results[call["taskReferenceName"].stringValue ?? ""] ?? "(no result)"
                    lines.append(
                        "- called \(call["name"].stringValue ?? "a tool")(\(clip(JSONValue.object(arguments).jsonText(), 120)))"
                            + " → \(clip(result, 160))")
                }
            } else {
                let text = Session.resultText(head["message"], unwrapResponse: false)
                lines.append("- \(role == "assistant" ? "you said" : role): \(clip(text, 160))")
            }
        }
        var text = "[Earlier conversation condensed: \(exchanges.count) earlier exchanges]"
        for (index, line) in lines.enumerated() {
            if text.count + line.count > 4_000 {
                text += "\n- … and \(lines.count - index) more"
                break
            }
            text += "\n" + line
        }
        return text
    }

    /// The text on one line, cut to `limit` characters.
    static func clip(_ text: String, _ limit: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }
}
