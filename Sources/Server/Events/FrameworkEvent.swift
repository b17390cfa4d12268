import Foundation
import Workflow

/// An event a framework worker pushes while it runs a whole agent (`POST /api/agent/events/{id}`): the agentspan
/// SDK's LangGraph, LangChain and Claude Agent SDK workers report the nodes they run, tool calls and results,
/// condensed context and sub-agents this way, since the server sees only one task.
enum FrameworkEvent {
    /// The stream event for a pushed `body` (agentspan-runtime.md §2.7), or nil for a type the stream does not carry.
    static func draft(_ body: [String: JSONValue], executionID: String, time: Int64) -> AgentEventDeriver.Draft? {
        func text(_ key: String) -> String {
            switch body[key] ?? .null {
            case .null: ""
            case .string(let value): value
            case let other: other.jsonText()
            }
        }
        func number(_ key: String) -> JSONValue {
            let value = body[key] ?? .null
            return .int(value.intValue ?? value.doubleValue.flatMap { Int(exactly: $0.rounded(.towardZero)) } ?? 0)
        }
        /// A sub-workflow's id when the worker started one, else the framework's own agent id.
        func subagent() -> String {
            let workflow = text("subWorkflowId")
            if !workflow.trimmingCharacters(in: .whitespaces).isEmpty { return workflow }
            return body["agentId"].map { _ in text("agentId") } ?? "unknown"
        }
        var draft: AgentEventDeriver.Draft
        switch text("type") {
        case "thinking":
            draft = .init(.thinking, executionID, time)
            draft.content = text("content")
        case "tool_call":
            draft = .init(.toolCall, executionID, time)
            draft.toolName = text("toolName")
            draft.args = body["args"]
        case "tool_result":
            draft = .init(.toolResult, executionID, time)
            draft.toolName = text("toolName")
            draft.result = body["result"].flatMap { $0.isNull ? nil : $0 } ?? ""
        case "context_condensed":
            draft = .init(.contextCondensed, executionID, time)
            draft.content = text("trigger")
            draft.condensation = [
                "messagesBefore": number("messagesBefore"), "messagesAfter": number("messagesAfter"),
                "exchangesCondensed": number("exchangesCondensed"),
            ]
        case "subagent_start":
            draft = .init(.subagentStart, executionID, time)
            draft.target = subagent()
            draft.content = text("prompt")
        case "subagent_stop":
            draft = .init(.subagentStop, executionID, time)
            draft.target = subagent()
            draft.result = .string(text("result"))
        default:
            return nil
        }
        return draft
    }
}
