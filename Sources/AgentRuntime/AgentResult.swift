import Workflow

/// The outcome of an execution.
public struct AgentResult: Sendable, Hashable {
    public var executionID: String
    public var status: WorkflowStatus
    /// The workflow output: `{result, finishReason, rejectionReason, context}` for an agent.
    public var output: [String: JSONValue]
    /// Why it did not complete, if it did not.
    public var reason: String?

    public init(executionID: String, status: WorkflowStatus, output: [String: JSONValue], reason: String? = nil) {
        self.executionID = executionID
        self.status = status
        self.output = output
        self.reason = reason
    }

    /// The agent's answer: the text of `output.result` (JSON text for structured output).
    public var text: String {
        switch output["result"] ?? .null {
        case .string(let text): return text
        case .null: return ""
        case let other: return other.jsonText()
        }
    }

    /// True when the execution completed.
    public var isSuccess: Bool { status == .completed }

    /// True when a person rejected a step (an approval-required tool) and the run ended there.
    public var isRejected: Bool {
        guard status == .completed else { return false }
        if output["finishReason"]?.stringValue == "rejected" { return true }
        if case .string(let reason)? = output["rejectionReason"], !reason.isEmpty { return true }
        return false
    }
}
