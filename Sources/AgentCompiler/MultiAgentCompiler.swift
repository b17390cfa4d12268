import AgentSpec
import Workflow

/// Multi-agent parents (§12): dispatch on `strategy`, the pieces the strategies share, and the output
/// guardrail wrapper (§12.11).
struct MultiAgentCompiler {
    let compiler: AgentCompiler
    let agent: AgentUnit

    var subAgents: [AgentConfig] { agent.config.agents }

    func compile() throws(CompileError) -> WorkflowDef {
        let strategy = agent.config.strategy ?? "handoff"
        var def: WorkflowDef
        switch strategy {
        case "handoff", "router": def = try HandoffStrategy(base: self, router: strategy == "router").compile()
        case "sequential": def = try SequentialStrategy(base: self).compile()
        case "parallel": def = try ParallelStrategy(base: self).compile()
        case "round_robin", "random", "manual": def = try RotationStrategy(base: self, kind: strategy).compile()
        case "swarm": def = try SwarmStrategy(base: self).compile()
        default: throw CompileError("Unknown strategy: \(strategy)")
        }
        if compiler.budgeted { def.outputParameters?["budgetSpent"] = "${workflow.variables._budget_spent}" }
        SingleAgentCompiler.applyTimeout(&def, agent)
        let guardrails = agent.outputGuardrails
        return guardrails.isEmpty ? def : try wrapWithGuardrails(def, guardrails)
    }

    /// A fresh workflow for the parent with a strategy description.
    func workflow(_ description: String) -> WorkflowDef {
        SingleAgentCompiler.workflow(agent, description: "\(description): \(agent.x)")
    }

    /// INLINE `R(X)_ctx_resolve` (the input context or `{}`).
    func contextResolve(_ ref: String? = nil) -> WorkflowTask {
        .inline(ref ?? "\(agent.r)_ctx_resolve", Scripts.nullCoalesce, ["ctx": "${workflow.input.context}"])
    }

    /// The `_budget_outer` input of the sub-agents when a budget applies (`startRef`: the parent's first task).
    func budgetOuter(startRef: String? = nil, share: Int = 1) -> JSONValue? {
        // Not a ternary: `nil` there would be JSONValue's null literal, not "no input".
        guard compiler.budgeted else { return Optional.none }
        return BudgetBuilder.outer(agent, startRef: startRef ?? "\(agent.r)_ctx_resolve", share: share)
    }

    /// The parent's budget check after sub-agents returned (nothing when no budget applies).
    func budgetCheck(
        _ ref: String, after subs: [(name: String, ref: String)], now: String, result: JSONValue, startRef: String? = nil
    ) -> [WorkflowTask] {
        guard compiler.budgeted else { return [] }
        return BudgetBuilder.afterSubAgents(
            ref, agent: agent, subs: subs, startRef: startRef ?? "\(agent.r)_ctx_resolve", now: now, result: result)
    }

    /// The transcript's first value: sub-agent introductions, then the prompt.
    var initialConversation: String {
        let intros = subAgents.compactMap { sub -> String? in
            guard let intro = sub.introduction, !intro.isEmpty else { return nil }
            return "[\(sub.name)]: \(intro)"
        }
        return intros.isEmpty ? "${workflow.input.prompt}" : intros.joined(separator: "\n") + "\n\n${workflow.input.prompt}"
    }

    /// The synthesis LLM after a conversation (handoff, router, swarm).
    func finalTask() throws(CompileError) -> WorkflowTask {
        let text = LLMTaskBuilder.instructionText(agent)
        let final = "Based on the work done by the agents above, provide your final response to the user. IMPORTANT: Include ALL details from every agent's response — do NOT summarize or omit code examples, technical specifications, or specific recommendations. Organize the information coherently but preserve completeness."
        return LLMTaskBuilder.plain(
            "\(agent.r)_final", model: try ModelRef(agent.config.model), system: (text.isEmpty ? "" : text + "\n\n") + final,
            user: "${workflow.variables.conversation}", temperature: false)
    }

    /// stop_when and termination workers of a conversation loop (§10), with their condition terms.
    func conversationStops(loop: String) -> (tasks: [WorkflowTask], inputs: [String: JSONValue], terms: [String]) {
        let r = agent.r
        let info: [String: JSONValue] = ["result": "${workflow.variables.conversation}", "iteration": expr("\(loop).iteration")]
        var out: (tasks: [WorkflowTask], inputs: [String: JSONValue], terms: [String]) = ([], [:], [])
        if let stopWhen = agent.config.stopWhen {
            out.tasks.append(.simple(stopWhen.taskName, ref: "\(r)_stop_when", info))
            out.inputs["\(r)_stop_when"] = expr("\(r)_stop_when")
            out.terms.append("$.\(r)_stop_when.should_continue == true")
        }
        if agent.config.termination != nil {
            out.tasks.append(.simple(SystemWorkerNames.termination(agent.x), ref: "\(r)_termination", info))
            out.inputs["\(r)_termination"] = expr("\(r)_termination")
            out.terms.append("$.\(r)_termination.should_continue == true")
        }
        return out
    }

    /// One conversation turn of sub-agent `sub`: SUB_WORKFLOW, transcript concat, context merge, SET_VARIABLE.
    /// Under a budget the turn ends with the parent's check; `budgetName` is the name whose own budget a stop of
    /// the sub-agent may be (`sub.name` unless given).
    func turn(
        _ sub: AgentConfig, ref: String, concatRef: String, mergeRef: String, setRef: String,
        extraSet: [String: JSONValue] = [:], subTask: WorkflowTask? = nil, budgetName: String? = nil
    ) throws(CompileError) -> [WorkflowTask] {
        var task: WorkflowTask
        if let subTask {
            task = subTask
            if let outer = budgetOuter() { task.inputParameters["_budget_outer"] = outer }
        } else {
            task = try compiler.subAgentTask(
                sub, ref: ref, prompt: "${workflow.variables.conversation}", context: "${workflow.variables._agent_state}",
                outer: budgetOuter())
        }
        var variables = extraSet
        variables["conversation"] = expr("\(concatRef).output.result")
        variables["_agent_state"] = expr("\(mergeRef).output.result")
        return [
            task,
            .inline(concatRef, Scripts.concat(agent: sub.name), ["prev": "${workflow.variables.conversation}", "response": expr("\(ref).output.result")]),
            .inline(mergeRef, Scripts.flatMergeContext, ["parent": "${workflow.variables._agent_state}", "child": expr("\(ref).output.context")]),
            .setVariable(setRef, variables),
        ] + budgetCheck(
            "\(ref)_budget", after: [(budgetName ?? sub.name, ref)], now: "\(ref).endTime", result: expr("\(ref).output.result"))
    }

    /// §12.11: the strategy runs as an inline sub-workflow inside a loop that applies the output guardrails.
    private func wrapWithGuardrails(_ strategy: WorkflowDef, _ guardrails: [GuardrailConfig]) throws(CompileError) -> WorkflowDef {
        let r = agent.r
        var inner = strategy
        PostProcessor.finish(&inner)
        let strategyTask = WorkflowTask.subWorkflow(
            "\(r)_strategy", name: "\(r)_strategy",
            ["prompt": "${workflow.input.prompt}", "media": "${workflow.input.media}", "session_id": "${workflow.input.session_id}"],
            definition: inner)
        // The guardrail iteration names `R(X)_loop` as the reference does (§22.28); the wrapper loop is
        // `R(X)_guardrail_loop`, so retry budgets count from the guardrail's own view.
        let compiled = try GuardrailBuilder.compile(
            guardrails, agent: agent, prefix: r, routeName: agent.x, content: "${\(r)_strategy.output.result}",
            iteration: "${\(r)_loop.iteration}", tool: false)
        var inputs: [String: JSONValue] = ["\(r)_guardrail_loop": expr("\(r)_guardrail_loop")]
        for ref in compiled.resultRefs { inputs[ref] = expr(ref) }
        let condition = "if ( $.\(r)_guardrail_loop['iteration'] < \(agent.maxTurns) && (\(compiled.terms.joined(separator: " || "))) ) { true; } else { false; }"
        var def = SingleAgentCompiler.workflow(agent)
        def.tasks = [.doWhile("\(r)_guardrail_loop", condition: condition, inputs: inputs, body: [strategyTask] + compiled.tasks)]
        def.outputParameters = ["result": expr("\(r)_strategy.output.result")]
        return def
    }
}
