import Workflow

/// The `<agent>_check_transfer` worker of hybrid agents and swarm members: did the LLM call a transfer tool?
///
/// Input `{tool_calls}` (the LLM task's `toolCalls`); output `{is_transfer, transfer_to}`. The first call of one of
/// this agent's transfer tools names the target; `transfer_to` is the target's name as the compiled workflow keys
/// it (the raw sub-agent name, also when the tool name carries the sanitised one). A call of any other tool whose
/// name contains `_transfer_to_` counts too, with the text after the first `_transfer_to_` as the target (the
/// reference worker's rule).
public struct CheckTransfer: Sendable, Hashable {
    /// Transfer tool name → target name, for this agent's transfer tools.
    public var transferTools: [String: String]

    /// Creates the check for an agent whose transfer tools are `transferTools` (tool name → target name).
    public init(transferTools: [String: String]) { self.transferTools = transferTools }

    /// The verdict for one task input.
    public func evaluate(_ input: [String: JSONValue]) -> [String: JSONValue] {
        for call in input["tool_calls"]?.arrayValue ?? [] {
            let name = call["name"].stringValue ?? call["function"]["name"].stringValue ?? ""
            if let target = transferTools[name] {
                return ["is_transfer": true, "transfer_to": .string(target)]
            }
            if let marker = name.range(of: "_transfer_to_") {
                return ["is_transfer": true, "transfer_to": .string(String(name[marker.upperBound...]))]
            }
        }
        return ["is_transfer": false, "transfer_to": ""]
    }

    /// The task executor for `name`.
    public func executor(name: String) -> SystemWorker {
        SystemWorker(name: name, description: "Detects calls of transfer tools") { invocation in .completed(evaluate(invocation.input)) }
    }
}
