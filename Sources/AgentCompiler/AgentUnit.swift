import AgentSpec
import Foundation
import Workflow

/// One agent being compiled, with the two spellings of its name the reference uses.
struct AgentUnit {
    let config: AgentConfig

    /// The raw name `X` (workflow name; some refs use it unsanitised).
    var x: String { config.name }
    /// The sanitised name `R(X)`.
    var r: String { SystemWorkerNames.sanitize(config.name) }

    /// `maxTurns`, or 25 when unset or not positive.
    var maxTurns: Int {
        if let turns = config.maxTurns, turns > 0 { return turns }
        return 25
    }

    /// Output guardrails the compiler turns into tasks (position `output`, a known type).
    var outputGuardrails: [GuardrailConfig] {
        (config.guardrails ?? []).filter { ($0.position ?? "output") == "output" && GuardrailBuilder.isCompiled($0) }
    }

    /// Guardrails of every tool, flattened in tool order.
    var toolGuardrails: [GuardrailConfig] {
        config.tools.flatMap { $0.guardrails ?? [] }.filter(GuardrailBuilder.isCompiled)
    }

    /// The `_worker_ref` of dynamic instructions, when set to a non-blank string.
    var instructionsWorker: String? {
        guard let ref = config.instructions?["_worker_ref"].stringValue,
            !ref.trimmingCharacters(in: .whitespaces).isEmpty
        else { return nil }
        return ref
    }

    /// The prompt-template instructions `{type: prompt_template, name, …}`, if any.
    var promptTemplate: JSONValue? {
        for candidate in [config.instructions, config.promptTemplate] {
            if let value = candidate, value["type"].stringValue == "prompt_template", value["name"].stringValue != nil {
                return value
            }
        }
        return nil
    }

    /// Text that describes the agent to routers and in transfer tools: description, string instructions or name.
    var summary: String {
        if let description = config.description, !description.isEmpty { return description }
        if let text = config.instructions?.stringValue, !text.isEmpty { return text }
        return x
    }
}
