import Foundation
import Workflow

/// What happened in an agent execution, as `AgentRuntime.stream` and `AgentHandle.stream` yield it.
public struct AgentEvent: Sendable, Hashable {
    /// Event types, named as in the Agentspan SDKs.
    public enum EventType: String, Sendable, Hashable, CaseIterable {
        case thinking = "THINKING"
        case toolCall = "TOOL_CALL"
        case toolResult = "TOOL_RESULT"
        case handoff = "HANDOFF"
        case waiting = "WAITING"
        case guardrailPass = "GUARDRAIL_PASS"
        case guardrailFail = "GUARDRAIL_FAIL"
        case error = "ERROR"
        case done = "DONE"
        case message = "MESSAGE"
        case contextCondensed = "CONTEXT_CONDENSED"
        case subagentStart = "SUBAGENT_START"
        case subagentStop = "SUBAGENT_STOP"
        case budgetExhausted = "BUDGET_EXHAUSTED"
    }

    public var type: EventType
    /// Position in the execution's stream (1, 2, …): pass the last one seen to resume.
    public var id: Int
    /// The execution that produced the event (a sub-agent's for forwarded events).
    public var executionID: String
    /// The model's words (thinking), or the message of an error or failed guardrail.
    public var content: String?
    public var toolName: String?
    /// The tool's arguments, without the keys the server adds.
    public var args: JSONValue?
    public var result: JSONValue?
    /// Handoff target agent.
    public var target: String?
    /// Final output (done).
    public var output: JSONValue?
    public var guardrailName: String?
    /// What a waiting execution expects.
    public var pendingTool: JSONValue?
    /// Epoch milliseconds.
    public var timestamp: Int64
    /// Context condensation: the history's length before and after, and how many exchanges were summarised.
    public var messagesBefore: Int?
    public var messagesAfter: Int?
    public var exchangesCondensed: Int?
    /// Errors and failed guardrails: where in the spec the failing part is written.
    public var location: SpecLocation?
    /// A tool call's declared effect (`read`, `write`, `destructive`).
    public var effect: String?

    /// Converts a wire event.
    public init(_ event: AgentStreamEvent) {
        type = EventType(event.type)
        id = event.id
        executionID = event.executionId
        content = event.content
        toolName = event.toolName
        args = event.args
        result = event.result
        target = event.target
        output = event.output
        guardrailName = event.guardrailName
        pendingTool = event.pendingTool
        timestamp = event.timestamp
        messagesBefore = event.messagesBefore
        messagesAfter = event.messagesAfter
        exchangesCondensed = event.exchangesCondensed
        location = event.location
        effect = event.effect
    }

    /// The error as a compiler-style line, `specs/ops_agent.yaml:14:7: error: tool 'x' failed: …`, with the file
    /// relative to `directory`; nil when the event is not a located failure.
    public func diagnostic(relativeTo directory: String = FileManager.default.currentDirectoryPath) -> String? {
        guard type == .error || type == .guardrailFail, let location else { return nil }
        return location.diagnostic(
            Self.failureMessage(
                kind: location.kind, name: type == .error && toolName != "workflow" ? toolName : nil,
                content ?? ""),
            relativeTo: directory)
    }

    /// "tool 'check_service' failed: …", "guardrail 'no_pii' failed: …", "model call failed: …", …
    public static func failureMessage(kind: SpecLocation.Kind?, name: String?, _ message: String) -> String {
        let named = name.map { " '\($0)'" } ?? ""
        switch kind {
        case .tool: return "tool\(named) failed: \(message)"
        case .guardrail: return "guardrail\(named) failed: \(message)"
        case .gate: return "gate failed: \(message)"
        case .handoff: return "handoff failed: \(message)"
        case .llm: return "model call failed: \(message)"
        case .agent, nil: return message
        }
    }
}

extension AgentEvent.EventType {
    init(_ kind: AgentStreamEvent.Kind) {
        switch kind {
        case .thinking: self = .thinking
        case .toolCall: self = .toolCall
        case .toolResult: self = .toolResult
        case .handoff: self = .handoff
        case .waiting: self = .waiting
        case .guardrailPass: self = .guardrailPass
        case .guardrailFail: self = .guardrailFail
        case .error: self = .error
        case .done: self = .done
        case .message: self = .message
        case .contextCondensed: self = .contextCondensed
        case .subagentStart: self = .subagentStart
        case .subagentStop: self = .subagentStop
        case .budgetExhausted: self = .budgetExhausted
        }
    }
}
