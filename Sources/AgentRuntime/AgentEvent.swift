import Foundation
import Workflow

/// What happened in an agent execution, as `AgentRuntime.stream` and `AgentHandle.stream` yield it: the wire event
/// of `GET /api/agent/stream/{id}` itself.
public typealias AgentEvent = AgentStreamEvent

extension AgentStreamEvent {
    /// Event types (the wire's `type`).
    public typealias EventType = Kind

    /// The event itself (kept for code written against the former separate type).
    public init(_ event: AgentStreamEvent) { self = event }

    /// The execution that produced the event (a sub-agent's for forwarded events).
    public var executionID: String { executionId }

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
