import AgentSpec
import Workflow

/// `round_robin`, `random` (§12.6) and `manual` (§12.7): one sub-agent speaks per turn — chosen in turn, at
/// random (optionally constrained by `allowedTransitions`) or by a person — for `maxTurns` turns.
struct RotationStrategy {
    let base: MultiAgentCompiler
    /// `round_robin`, `random` or `manual`.
    let kind: String

    func compile() throws(CompileError) -> WorkflowDef {
        let agent = base.agent
        let r = agent.r
        let x = agent.x
        let subs = base.subAgents
        let description = ["round_robin": "Round-Robin discussion", "random": "Random discussion", "manual": "Manual selection"][kind]!
        var def = base.workflow(description)
        let transitions = kind == "manual" ? nil : transitionIndexes()

        var initial: [String: JSONValue] = [
            "conversation": .string(base.initialConversation), "_agent_state": expr("\(r)_ctx_resolve.output.result"),
        ]
        if transitions != nil { initial["last_agent"] = "0" }

        var body: [WorkflowTask] = []
        let selected: String
        if kind == "manual" {
            var options: [String: JSONValue] = [:]
            for (i, sub) in subs.enumerated() { options[sub.name] = .string(String(i)) }
            let names = subs.map(\.name)
            body.append(.human("\(r)_pick_agent", [
                "__humanTaskDefinition": HumanTaskBuilder.definition("\(x): Select next agent"),
                "agent_options": .object(options), "conversation": "${workflow.variables.conversation}",
                "response_schema": [
                    "type": "object", "required": ["selected"],
                    "properties": ["selected": [
                        "type": "string", "title": "Select Agent",
                        "description": .string("Choose which agent should respond next: \(names.joined(separator: ", "))"),
                        "enum": .array(names.map(JSONValue.string)),
                    ]],
                ],
                "response_ui_schema": ["ui:order": ["selected"], "selected": ["ui:widget": "select"]],
            ]))
            body.append(.simple(SystemWorkerNames.processSelection(agent.x), ref: "\(r)_process_selection", ["human_output": expr("\(r)_pick_agent.output")]))
            selected = "${\(r)_process_selection.output.selected}"
        } else {
            var inputs: [String: JSONValue] = ["iteration": expr("\(r)_loop.iteration")]
            if transitions != nil { inputs["last_agent"] = "${workflow.variables.last_agent}" }
            body.append(.inline("\(r)_select", Scripts.select(count: subs.count, random: kind == "random", transitions: transitions), inputs))
            selected = "${\(r)_select.output.result}"
        }
        var cases: [String: [WorkflowTask]] = [:]
        for (i, sub) in subs.enumerated() {
            cases[String(i)] = try base.turn(
                sub, ref: "\(x)_agent_\(i)_\(sub.name)", concatRef: "\(x)_concat_\(i)", mergeRef: "\(x)_rctx_merge_\(i)",
                setRef: "\(x)_set_\(i)", extraSet: transitions != nil ? ["last_agent": .string(String(i))] : [:])
        }
        body.append(.switchOn("\(r)_switch", selected, cases: cases))
        let stops = base.conversationStops(loop: "\(r)_loop")
        body += stops.tasks
        var loopInputs: [String: JSONValue] = ["\(r)_loop": expr("\(r)_loop")]
        loopInputs.merge(stops.inputs) { $1 }
        let condition = "if ( $.\(r)_loop['iteration'] < \(agent.maxTurns)" + stops.terms.map { " && \($0)" }.joined() + " ) { true; } else { false; }"
        def.tasks = [
            base.contextResolve(),
            .setVariable("\(r)_init", initial),
            .doWhile("\(r)_loop", condition: condition, inputs: loopInputs, body: body),
        ]
        def.outputParameters = ["result": "${workflow.variables.conversation}", "context": "${workflow.variables._agent_state}"]
        return def
    }

    /// `allowedTransitions` as sub-agent indexes (unknown names dropped, empty lists omitted), or nil.
    private func transitionIndexes() -> [String: [Int]]? {
        guard let transitions = base.agent.config.allowedTransitions, !transitions.isEmpty else { return nil }
        let index = Dictionary(base.subAgents.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [String: [Int]] = [:]
        for (source, targets) in transitions {
            guard let from = index[source] else { continue }
            let to = targets.compactMap { index[$0] }
            if !to.isEmpty { out[String(from)] = to }
        }
        return out
    }
}
