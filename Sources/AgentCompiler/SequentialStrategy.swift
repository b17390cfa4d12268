import AgentSpec
import Workflow

/// `sequential` (§12.4, gates §13): stages run in order, each seeing the prompt and the previous output; a gate
/// on a non-final stage can stop the pipeline.
struct SequentialStrategy {
    let base: MultiAgentCompiler

    func compile() throws(CompileError) -> WorkflowDef {
        let r = base.agent.r
        var def = base.workflow("Sequential pipeline")
        var tasks: [WorkflowTask] = [
            base.contextResolve("\(r)_ctx_init_resolve"),
            .setVariable("\(r)_ctx_init", ["context": expr("\(r)_ctx_init_resolve.output.result")]),
        ]
        let (stages, last, gated) = try stageTasks(from: 0, previous: nil, mergeContext: true)
        tasks += stages
        var result = last
        if gated {
            var inputs: [String: JSONValue] = [:]
            for (i, sub) in base.subAgents.enumerated() { inputs["s\(i)"] = expr("\(stepRef(i, sub)).output.result") }
            tasks.append(.inline("\(r)_output_selector", Scripts.outputSelector(count: base.subAgents.count), inputs))
            result = "${\(r)_output_selector.output.result}"
        }
        def.tasks = tasks
        def.outputParameters = ["result": .string(result), "context": "${workflow.variables.context}"]
        return def
    }

    private func stepRef(_ i: Int, _ sub: AgentConfig) -> String { "\(base.agent.r)_step_\(i)_\(sub.name)" }

    /// Stages from `start`; returns the tasks, the final result expression and whether a gate cut the list.
    private func stageTasks(from start: Int, previous: String?, mergeContext: Bool) throws(CompileError) -> ([WorkflowTask], String, Bool) {
        let r = base.agent.r
        let subs = base.subAgents
        var tasks: [WorkflowTask] = []
        var prev = previous
        for i in start..<subs.count {
            let sub = subs[i]
            let ref = stepRef(i, sub)
            let prompt = prev.map { "${workflow.input.prompt}\n\nPrevious agent output:\n\($0)" } ?? "${workflow.input.prompt}"
            let start = "\(r)_ctx_init_resolve"
            tasks.append(try base.compiler.subAgentTask(
                sub, ref: ref, prompt: prompt, context: "${workflow.variables.context}", outer: base.budgetOuter(startRef: start)))
            tasks += base.budgetCheck(
                "\(ref)_budget", after: [(sub.name, ref)], now: "\(ref).endTime", result: expr("\(ref).output.result"),
                startRef: start)
            if mergeContext {
                tasks.append(.inline("\(r)_ctx_merge_\(i)", Scripts.flatMergeContext, [
                    "parent": "${workflow.variables.context}", "child": expr("\(ref).output.context"),
                ]))
                tasks.append(.setVariable("\(r)_ctx_set_\(i)", ["context": expr("\(r)_ctx_merge_\(i).output.result")]))
            }
            guard i < subs.count - 1 else { return (tasks, "${\(ref).output.result}", false) }
            tasks.append(.inline("\(ref)_coerce", Scripts.coerce, ["raw": expr("\(ref).output.result")]))
            prev = "${\(ref)_coerce.output.result}"
            if let gate = sub.gate {
                let gateRef = "\(r)_gate_\(i)"
                if let worker = gate.taskName {
                    tasks.append(.simple(worker, ref: gateRef, ["result": .string(prev!)]))
                } else if gate.type == "text_contains" {
                    tasks.append(.inline(gateRef, Scripts.textGate(text: gate.text ?? "", caseSensitive: gate.caseSensitive ?? true), [
                        "result": .string(prev!),
                    ]))
                } else {
                    throw CompileError("Unknown gate type: \(gate.type ?? "nil")")
                }
                let (rest, _, _) = try stageTasks(from: i + 1, previous: prev, mergeContext: false)
                // A worker gate answers `{decision}` at `output.decision`; the reference reads
                // `output.result.decision` for both kinds (§22.23), so worker gates read their own field here.
                let decision = gate.taskName != nil ? "${\(gateRef).output.decision}" : "${\(gateRef).output.result.decision}"
                tasks.append(.switchOn("\(r)_gate_switch_\(i)", decision, cases: ["continue": rest], default: []))
                return (tasks, "", true)
            }
        }
        return (tasks, prev ?? "", false)
    }
}
