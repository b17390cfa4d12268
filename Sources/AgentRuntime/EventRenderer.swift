import Foundation
import Workflow

/// Renders events the way the streaming article prints them:
///
/// ```text
///  [thinking] The payments service is throwing 503s. I should check its health first…
///  [tool_call] check_service({'service_name': 'payments'})
///  [tool_result] check_service → {'error_rate': '34%', 'status': 'unhealthy', 'uptime': '2m'}
///
///  [done]
/// Root cause: …
/// ```
public struct EventRenderer: Sendable {
    /// Longest rendered value before it is cut with `…` (nil: never cut).
    public var maxValueLength: Int?

    public init(maxValueLength: Int? = 2000) {
        self.maxValueLength = maxValueLength
    }

    /// The text for one event (possibly several lines), or nil for events that print nothing.
    public func render(_ event: AgentEvent) -> String? {
        switch event.type {
        case .thinking:
            return " [thinking] \(cut(event.content ?? ""))"
        case .toolCall:
            let effect = event.effect.map { " [\($0)]" } ?? ""
            return " [tool_call] \(event.toolName ?? "?")(\(cut(Self.pythonRepr(event.args ?? .object([:])))))\(effect)"
        case .toolResult:
            return " [tool_result] \(event.toolName ?? "?") → \(cut(Self.pythonRepr(event.result ?? .null)))"
        case .handoff:
            return " [handoff] → \(event.target ?? "?")"
        case .waiting:
            let pending = event.pendingTool ?? .null
            if pending["waitingFor"].stringValue == "message" {
                return " [waiting] \(pending["tool_name"].stringValue ?? "the agent") is waiting for a message "
                    + "(agentspanc send \(event.executionID) MESSAGE)"
            }
            if let tool = pending["tool_name"].stringValue {
                return " [waiting] \(tool)(\(cut(Self.pythonRepr(pending["parameters"])))) is waiting for a human response"
            }
            return " [waiting] the agent is waiting for a human response"
        case .guardrailPass:
            return " [guardrail_pass] \(event.guardrailName ?? "")"
        case .guardrailFail:
            return " [guardrail_fail] \(event.guardrailName ?? ""): \(event.content ?? "")" + located(event)
        case .error:
            return " [error] \(event.toolName.map { "\($0): " } ?? "")\(event.content ?? "")" + located(event)
        case .done:
            let output = event.output ?? .null
            if case .string(let reason) = output["rejectionReason"], !reason.isEmpty {
                return "\n [done] rejected: \(reason)\n\(Self.resultText(output))"
            }
            return "\n [done]\n\(Self.resultText(output))"
        case .contextCondensed:
            let counts = event.exchangesCondensed.map { count in
                " — \(count) earlier exchanges summarised"
                    + (event.messagesBefore.flatMap { b in event.messagesAfter.map { " (\(b) → \($0) messages)" } } ?? "")
            } ?? ""
            return " [context_condensed] \(event.content ?? "")\(counts)"
        case .budgetExhausted:
            return " [budget_exhausted] \(event.content ?? "a budget limit was reached")"
        case .message, .subagentStart, .subagentStop:
            return event.content.map { " [\(event.type.rawValue.lowercased())] \($0)" }
        }
    }

    /// A located failure's compiler-style line (relative to the current directory) on a line of its own.
    private func located(_ event: AgentEvent) -> String {
        event.diagnostic().map { "\n" + $0 } ?? ""
    }

    /// The answer inside a `done` output: `output.result` as text.
    public static func resultText(_ output: JSONValue) -> String {
        switch output["result"] {
        case .string(let text): return text
        case .null: return output == .null ? "" : output.jsonText()
        case let other: return other.jsonText(pretty: true)
        }
    }

    private func cut(_ text: String) -> String {
        guard let limit = maxValueLength, text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// Python's `repr` of the JSON value (`{'a': 1, 'b': True, 'c': None}`), as the Agentspan SDK prints arguments.
    public static func pythonRepr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .double(let number): return number.rounded() == number && abs(number) < 1e16 ? "\(number)" : "\(number)"
        case .string(let text): return pythonString(text)
        case .array(let items): return "[" + items.map(pythonRepr).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.keys.sorted().map { "\(pythonString($0)): \(pythonRepr(object[$0]!))" }.joined(separator: ", ") + "}"
        }
    }

    private static func pythonString(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where Character(scalar) == quote: out += "\\\(quote)"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f: out += String(format: "\\x%02x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append(quote)
        return out
    }
}
