import Foundation
import Workflow

/// The manual strategy's `R(X)_process_selection` worker: turns the person's answer into the index of the next
/// speaker.
///
/// Input `{human_output}` (the HUMAN task's output); output `{selected: "<index>"}` with the 0-based sub-agent
/// index. The answer may name the agent or give its index, under `selected` or `agent` (also a bare string). An
/// answer that names no sub-agent fails the task without retries, with a reason listing the choices.
public struct ProcessSelection: Sendable, Hashable {
    /// Sub-agent names in order.
    public var agents: [String]

    /// Creates the selection for sub-agents `agents`.
    public init(agents: [String]) { self.agents = agents }

    /// The outcome for one task input.
    public func evaluate(_ input: [String: JSONValue]) -> ToolOutcome {
        let answer = input["human_output"] ?? .null
        let choice: JSONValue
        switch answer {
        case .object(let object):
            choice = [object["selected"], object["agent"], object["result"]].compactMap { $0 }.first { !$0.isNull } ?? .null
        default:
            choice = answer
        }
        let text = SystemInput.text(choice).trimmingCharacters(in: .whitespacesAndNewlines)
        if let index = agents.firstIndex(of: text) ?? agents.firstIndex(where: { $0.lowercased() == text.lowercased() }) {
            return .completed(["selected": .string(String(index))])
        }
        if let index = SystemInput.int(choice), agents.indices.contains(index) {
            return .completed(["selected": .string(String(index))])
        }
        return .terminal(
            "No agent selected: '\(text)' is not one of \(agents.joined(separator: ", ")) (answer with {\"selected\": NAME})")
    }

    /// The task executor for `name`.
    public func executor(name: String) -> SystemWorker {
        SystemWorker(name: name, description: "Maps the person's pick to an agent index") { invocation in
            evaluate(invocation.input)
        }
    }
}
