import AgentSpec
import Workflow

/// Single agents: simple (§4), with tools (§5), and hybrid — tools plus sub-agents reached through transfer
/// tools (§12.10).
struct SingleAgentCompiler {
    let compiler: AgentCompiler
    let agent: AgentUnit

    /// Workflow-level defaults (§2.7).
    static func workflow(_ agent: AgentUnit, description: String? = nil) -> WorkflowDef {
        WorkflowDef(
            name: agent.x, description: description ?? "Agent workflow for \(agent.x)", version: 1,
            inputParameters: ["prompt", "session_id", "media", "cwd"], schemaVersion: 2, restartable: true,
            timeoutSeconds: 60, workflowStatusListenerEnabled: false)
    }

    /// Applies the agent's timeout (`TIME_OUT_WF`) or clears it.
    static func applyTimeout(_ def: inout WorkflowDef, _ agent: AgentUnit) {
        if let timeout = agent.config.timeoutSeconds, timeout > 0 {
            def.timeoutSeconds = timeout
            def.timeoutPolicy = "TIME_OUT_WF"
        } else {
            def.timeoutSeconds = 0
            def.timeoutPolicy = nil
        }
    }

    /// Dynamic-instruction pre-tasks (§16): the worker and its normaliser, refs `<prefix>_instructions[_worker]`.
    static func instructionTasks(_ agent: AgentUnit, prefix: String? = nil) -> [WorkflowTask] {
        guard let worker = agent.instructionsWorker else { return [] }
        let p = prefix ?? agent.r
        let context: JSONValue = [
            "prompt": "${workflow.input.prompt}", "session_id": "${workflow.input.session_id}", "media": "${workflow.input.media}",
        ]
        var info: [String: JSONValue] = ["name": .string(agent.x)]
        if let model = agent.config.model { info["model"] = .string(model) }
        if let description = agent.config.description { info["description"] = .string(description) }
        if let metadata = agent.config.metadata, !metadata.isEmpty { info["metadata"] = .object(metadata) }
        return [
            .simple(worker, ref: "\(p)_instructions_worker", [
                "ctx": context, "context": context, "agent": .object(info), "prompt": "${workflow.input.prompt}",
                "session_id": "${workflow.input.session_id}", "sessionId": "${workflow.input.session_id}",
                "media": "${workflow.input.media}",
            ]),
            .inline("\(p)_instructions", Scripts.normalizeInstructions, ["worker_output": expr("\(p)_instructions_worker.output")]),
        ]
    }

    /// The DO_WHILE condition every agent loop uses (§2.5).
    static func loopCondition(loop: String, llm: String, maxTurns: Int, reason: String, extra: [String] = []) -> String {
        "if ( $.\(loop)['iteration'] < \(maxTurns) && $._stop_requested != true && ($.\(llm)['finishReason'] == 'LENGTH' || $.\(llm)['finishReason'] == 'MAX_TOKENS' || \(reason))"
            + extra.map { " && \($0)" }.joined() + " ) { true; } else { false; }"
    }

    // MARK: - Simple

    func compileSimple() throws(CompileError) -> WorkflowDef {
        let r = agent.r
        var def = Self.workflow(agent)
        let guardrails = agent.outputGuardrails
        var tasks = Self.instructionTasks(agent)
        var llm = try LLMTaskBuilder.build(agent, tools: .none)
        // Under a budget the single turn is counted for the parent (never stopped: it is the whole run).
        let spend = compiler.budgeted
            ? BudgetBuilder.spend(agent, llmRef: "\(r)_llm", startRef: "\(r)_llm", price: try compiler.budgetPrice(agent)) : nil
        guard !guardrails.isEmpty else {
            tasks.append(llm)
            if let spend { tasks.append(spend) }
            def.tasks = tasks
            def.outputParameters = [
                "result": expr("\(r)_llm.output.result"), "finishReason": expr("\(r)_llm.output.finishReason"),
                "context": "${workflow.input.context}",
            ]
            if spend != nil { def.outputParameters?["budgetSpent"] = expr("\(r)_budget.output.result.spent") }
            return def
        }
        let compiled = try GuardrailBuilder.compile(
            guardrails, agent: agent, prefix: r, routeName: agent.x, content: "${\(r)_llm.output.result}",
            iteration: "${\(r)_loop.iteration}", tool: false)
        llm.inputParameters["participants"] = .object(Dictionary(uniqueKeysWithValues: compiled.retryRefs.map { ($0, JSONValue.string("user")) }))
        var loopInputs: [String: JSONValue] = [
            "\(r)_loop": expr("\(r)_loop"), "\(r)_llm": expr("\(r)_llm"), "_stop_requested": "${workflow.variables._stop_requested}",
        ]
        for ref in compiled.resultRefs { loopInputs[ref] = expr(ref) }
        let condition = Self.loopCondition(
            loop: "\(r)_loop", llm: "\(r)_llm", maxTurns: agent.maxTurns, reason: "(" + compiled.terms.joined(separator: " || ") + ")")
        tasks.append(.doWhile("\(r)_loop", condition: condition, inputs: loopInputs, body: [llm] + compiled.tasks))
        tasks.append(resolveOutput())
        if let spend { tasks.append(spend) }
        def.tasks = tasks
        def.outputParameters = [
            "result": expr("\(r)_resolve_output.output.result.result"),
            "finishReason": expr("\(r)_resolve_output.output.result.finishReason"), "context": "${workflow.input.context}",
        ]
        if spend != nil { def.outputParameters?["budgetSpent"] = expr("\(r)_budget.output.result.spent") }
        Self.applyTimeout(&def, agent)
        return def
    }

    private func resolveOutput() -> WorkflowTask {
        let r = agent.r
        return .inline("\(r)_resolve_output", Scripts.resolveOutput, [
            "llm_result": expr("\(r)_llm.output.result"), "finish_reason": expr("\(r)_llm.output.finishReason"),
            "fixed_output": "${workflow.variables._fixed_output}", "edited_output": "${workflow.variables._human_edited_output}",
        ])
    }

    // MARK: - Tools (and hybrid)

    /// The tool loop; with `subAgents` the hybrid form (transfer tools, transfer SWITCH after the loop).
    func compileWithTools(subAgents: [AgentConfig] = []) throws(CompileError) -> WorkflowDef {
        let r = agent.r
        let x = agent.x
        let config = agent.config
        let hybrid = !subAgents.isEmpty
        var def = Self.workflow(agent, description: hybrid ? "Hybrid agent: \(x)" : nil)
        var tools = config.tools
        for sub in subAgents.map(AgentUnit.init) {
            tools.append(ToolCatalog.transferTool(name: SystemWorkerNames.hybridTransfer(x, to: sub.x), to: sub))
        }
        let callbacks = hybrid ? [:] : firstCallbacks()
        let discovery = DiscoveryBuilder(agent: agent, tools: tools)
        let approval = tools.contains(where: \.policy.requiresApproval)

        var top: [WorkflowTask] = []
        if let callback = callbacks["before_agent"] { top.append(callbackTask(callback, position: "before_agent")) }
        if discovery.needed { top += try discovery.tasks() }
        top += Self.instructionTasks(agent)
        top.append(.inline("\(r)_ctx_resolve", Scripts.nullCoalesce, ["ctx": "${workflow.input.context}"]))
        var initial: [String: JSONValue] = [
            "_agent_state": expr("\(r)_ctx_resolve.output.result"), "_stop_requested": false, "_signal_injection": "",
        ]
        if approval { initial["_human_feedback"] = "" }
        top.append(.setVariable("\(r)_init_state", initial))

        // Loop body.
        var body: [WorkflowTask] = [.inline("\(r)_ctx_inject", Scripts.contextInjection, [
            "state": "${workflow.variables._agent_state}", "signals": "${workflow.variables._signal_injection}",
            "prompt": "${workflow.input.prompt}", "maxSize": 32768, "maxValueSize": 4096,
        ])]
        if let callback = callbacks["before_model"] { body.append(callbackTask(callback, position: "before_model")) }
        let llmTools: LLMTaskBuilder.Tools = discovery.needed
            ? .discovered("\(discovery.resolveRef).output.result.tools") : .specs(tools.map(ToolCatalog.spec))
        var llm = try LLMTaskBuilder.build(
            agent, tools: llmTools, userMessage: "${\(r)_ctx_inject.output.result}",
            extraMessages: approval && !hybrid ? [["role": "system", "message": "${workflow.variables._human_feedback}"]] : [])
        let guardrails = try GuardrailBuilder.compile(
            agent.outputGuardrails, agent: agent, prefix: r, routeName: x, content: "${\(r)_llm.output.result}",
            iteration: "${\(r)_loop.iteration}", tool: false)
        var routerBuilder = ToolRouterBuilder(agent: agent, tools: tools, llmRef: "\(r)_llm")
        if discovery.needed { routerBuilder.discovery = (discovery.resolveRef, !discovery.mcpTools.isEmpty) }
        let (router, toolGuardrails) = try routerBuilder.build()
        let retryRefs = guardrails.retryRefs + toolGuardrails.retryRefs
        if !retryRefs.isEmpty {
            llm.inputParameters["participants"] = .object(Dictionary(uniqueKeysWithValues: retryRefs.map { ($0, JSONValue.string("user")) }))
        }
        body.append(llm)
        if let callback = callbacks["after_model"] { body.append(callbackTask(callback, position: "after_model")) }
        body += guardrails.tasks
        if compiler.budgeted {
            body += BudgetBuilder.loopCheck(
                agent, llmRef: "\(r)_llm", startRef: "\(r)_ctx_resolve", price: try compiler.budgetPrice(agent))
        }
        body.append(router)

        var loopInputs: [String: JSONValue] = [
            "\(r)_loop": expr("\(r)_loop"), "\(r)_llm": expr("\(r)_llm"), "_stop_requested": "${workflow.variables._stop_requested}",
        ]
        var extra: [String] = []
        var reasonTerms = [routerBuilder.toolCallTerm] + guardrails.terms + toolGuardrails.terms
        for ref in guardrails.resultRefs + toolGuardrails.resultRefs { loopInputs[ref] = expr(ref) }
        if hybrid {
            body.append(.simple(SystemWorkerNames.hybridCheckTransfer(x), ref: "\(r)_check_transfer", ["tool_calls": expr("\(r)_llm.output.toolCalls")]))
            loopInputs["\(r)_check_transfer"] = expr("\(r)_check_transfer")
            let calls = reasonTerms.count == 1 ? reasonTerms[0] : "(" + reasonTerms.joined(separator: " || ") + ")"
            reasonTerms = ["(\(calls) && ($.\(r)_check_transfer.is_transfer != true))"]
        } else {
            let loopInfo: [String: JSONValue] = [
                "result": expr("\(r)_llm.output.result"), "iteration": expr("\(r)_loop.iteration"),
                "messages": expr("\(r)_llm.input.messages"),
            ]
            if let stopWhen = config.stopWhen {
                body.append(.simple(stopWhen.taskName, ref: "\(r)_stop_when", loopInfo))
                loopInputs["\(r)_stop_when"] = expr("\(r)_stop_when")
                extra.append("$.\(r)_stop_when.should_continue == true")
            }
            if config.termination != nil {
                body.append(.simple(SystemWorkerNames.termination(config.name), ref: "\(r)_termination", loopInfo))
                loopInputs["\(r)_termination"] = expr("\(r)_termination")
                extra.append("$.\(r)_termination.should_continue == true")
            }
        }
        let reason = reasonTerms.count == 1 ? reasonTerms[0] : "(" + reasonTerms.joined(separator: " || ") + ")"
        let loop = WorkflowTask.doWhile(
            "\(r)_loop", condition: Self.loopCondition(loop: "\(r)_loop", llm: "\(r)_llm", maxTurns: agent.maxTurns, reason: reason, extra: extra),
            inputs: loopInputs, body: body)

        if let required = config.requiredTools, !required.isEmpty, !hybrid {
            let check = "\(r)_required_tools_check"
            let outer = "\(r)_required_tools_loop"
            // The check's verdict sits at `$.<check>.result` in the condition data (§2.5); the reference reads
            // `.output.satisfied`, which is undefined there.
            top.append(.doWhile(
                outer,
                condition: "if ( $.\(check)['result'] != null && $.\(check)['result'].satisfied == false && $.\(outer)['iteration'] < 3 ) { true; } else { false; }",
                inputs: ["\(check)": expr(check), "\(outer)": expr(outer)],
                body: [loop, .inline(check, Scripts.requiredToolsCheck(required), ["completedTaskNames": expr("\(r)_loop.output")])]))
        } else {
            top.append(loop)
        }
        if let callback = callbacks["after_agent"] { top.append(callbackTask(callback, position: "after_agent")) }
        let hasGuardrails = !agent.outputGuardrails.isEmpty
        if hasGuardrails { top.append(resolveOutput()) }

        var output: [String: JSONValue] = [
            "result": expr(hasGuardrails ? "\(r)_resolve_output.output.result.result" : "\(r)_llm.output.result"),
            "finishReason": expr(hasGuardrails ? "\(r)_resolve_output.output.result.finishReason" : "\(r)_llm.output.finishReason"),
            "context": "${workflow.variables._agent_state}",
        ]
        if hybrid {
            var cases: [String: [WorkflowTask]] = [:]
            var results: [String: JSONValue] = ["direct": output["result"]!]
            for sub in subAgents {
                let unit = AgentUnit(config: sub)
                let ref = "\(r)_transfer_\(unit.r)"
                let outer: JSONValue? = compiler.budgeted ? BudgetBuilder.outer(agent, startRef: "\(r)_ctx_resolve") : Optional.none
                cases[sub.name] = [try compiler.subAgentTask(
                    sub, ref: ref, prompt: "${workflow.input.prompt}", context: "${workflow.variables._agent_state}", outer: outer)]
                if compiler.budgeted {
                    cases[sub.name]! += BudgetBuilder.afterSubAgents(
                        "\(ref)_budget", agent: agent, subs: [(sub.name, ref)], startRef: "\(r)_ctx_resolve",
                        now: "\(ref).endTime", result: expr("\(ref).output.result"))
                }
                results[sub.name] = expr("\(ref).output.result")
            }
            top.append(.switchOn("\(r)_transfer_check", "${\(r)_check_transfer.output.transfer_to}", cases: cases))
            output["result"] = .object(results)
        } else {
            output["rejectionReason"] = "${workflow.variables.rejectionReason}"
        }
        if compiler.budgeted { output["budgetSpent"] = "${workflow.variables._budget_spent}" }
        def.tasks = top
        def.outputParameters = output
        Self.applyTimeout(&def, agent)
        return def
    }

    /// The first callback per compiled position.
    private func firstCallbacks() -> [String: CallbackConfig] {
        var found: [String: CallbackConfig] = [:]
        for callback in agent.config.callbacks ?? [] where found[callback.position] == nil {
            if ["before_agent", "after_agent", "before_model", "after_model"].contains(callback.position) {
                found[callback.position] = callback
            }
        }
        return found
    }

    private func callbackTask(_ callback: CallbackConfig, position: String) -> WorkflowTask {
        var inputs: [String: JSONValue] = ["callback_position": .string(position), "agent_name": .string(agent.x)]
        if position != "before_agent" {
            inputs["llm_result"] = expr("\(agent.r)_llm.output.result")
            inputs["tool_calls"] = expr("\(agent.r)_llm.output.toolCalls")
        }
        return .simple(callback.taskName, ref: "\(agent.x)_\(position)", inputs)
    }
}
