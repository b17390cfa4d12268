import Workflow

/// How the agent API presents an agent execution's output.
///
/// A rejected approval ends the compiled workflow COMPLETED with `rejectionReason` set, while `finishReason` still
/// says what the last model turn ended with (`TOOL_CALLS`), exactly as the reference's outputParameters produce; SDKs
/// derive "rejected" only from `finishReason == "rejected"`. The agent API therefore reports `finishReason:
/// rejected` when a rejection reason is present (docs/spec-format.md lists this deviation); the Conductor workflow
/// API keeps the workflow's own output.
enum AgentOutput {
    static func presented(_ output: [String: JSONValue]) -> [String: JSONValue] {
        guard case .string(let reason)? = output["rejectionReason"], !reason.isEmpty else { return output }
        var presented = output
        presented["finishReason"] = "rejected"
        return presented
    }
}
