import AgentSpec
import Workflow

/// `swarm` (§12.8): the parent and every sub-agent take turns; each can hand the conversation to any other
/// through transfer tools, and a handoff worker decides who speaks next.
struct SwarmStrategy {
    let base: MultiAgentCompiler

    func compile() throws(CompileError) -> WorkflowDef {
        let agent = base.agent
        let r = agent.r
        let x = agent.x
        var def = base.workflow("Swarm orchestration")
        let members = [agent.config] + base.subAgents
        var tasks = SingleAgentCompiler.instructionTasks(agent)
        tasks.append(base.contextResolve())
        tasks.append(.setVariable("\(r)_init", [
            "conversation": .string(base.initialConversation), "active_agent": "0", "last_response": "", "is_transfer": false,
            "transfer_to": "", "_agent_state": expr("\(r)_ctx_resolve.output.result"),
        ]))
        var cases: [String: [WorkflowTask]] = [:]
        for (i, member) in members.enumerated() {
            let ref = "\(x)_agent_\(i)_\(member.name)"
            let memberDef = try memberWorkflow(member, isParent: i == 0, peers: members.filter { $0.name != member.name })
            let subTask = WorkflowTask.subWorkflow(ref, name: member.name, [
                "prompt": "${workflow.variables.conversation}", "media": "${workflow.input.media}",
                "session_id": "${workflow.input.session_id}", "context": "${workflow.variables._agent_state}",
            ], definition: memberDef)
            cases[String(i)] = try base.turn(
                member, ref: ref, concatRef: "\(x)_concat_\(i)", mergeRef: "\(x)_sctx_merge_\(i)", setRef: "\(x)_set_\(i)",
                extraSet: [
                    "last_response": expr("\(ref).output.result"), "is_transfer": expr("\(ref).output.is_transfer"),
                    "transfer_to": expr("\(ref).output.transfer_to"),
                ], subTask: subTask, budgetName: i == 0 ? ref : nil)
        }
        var body: [WorkflowTask] = [
            .switchOn("\(r)_switch", "${workflow.variables.active_agent}", cases: cases),
            .simple(SystemWorkerNames.handoffCheck(x), ref: "\(r)_handoff_check", [
                "result": "${workflow.variables.last_response}", "active_agent": "${workflow.variables.active_agent}",
                "conversation": "${workflow.variables.conversation}", "is_transfer": "${workflow.variables.is_transfer}",
                "transfer_to": "${workflow.variables.transfer_to}",
            ]),
            .setVariable("\(r)_update_active", ["active_agent": expr("\(r)_handoff_check.output.active_agent")]),
        ]
        let stops = base.conversationStops(loop: "\(r)_loop")
        body += stops.tasks
        var loopInputs: [String: JSONValue] = ["\(r)_loop": expr("\(r)_loop"), "\(r)_handoff_check": expr("\(r)_handoff_check")]
        loopInputs.merge(stops.inputs) { $1 }
        let condition = "if ( $.\(r)_loop['iteration'] < \(agent.maxTurns) && $.\(r)_handoff_check['handoff'] == true"
            + stops.terms.map { " && \($0)" }.joined() + " ) { true; } else { false; }"
        tasks.append(.doWhile("\(r)_loop", condition: condition, inputs: loopInputs, body: body))
        tasks.append(try base.finalTask())
        def.tasks = tasks
        def.outputParameters = ["result": expr("\(r)_final.output.result"), "context": "${workflow.variables._agent_state}"]
        return def
    }

    /// The transfer tools of `member`: `<member>_transfer_to_<peer>` (raw names) for every other agent.
    private func transferTools(_ member: AgentConfig, peers: [AgentConfig]) -> [ToolConfig] {
        peers.map { ToolCatalog.transferTool(name: SystemWorkerNames.swarmTransfer(member.name, to: $0.name), to: AgentUnit(config: $0)) }
    }

    /// `<S>_swarm_wf`: the member's LLM loop with its tools and transfer tools, ending on a transfer.
    private func memberWorkflow(_ member: AgentConfig, isParent: Bool, peers: [AgentConfig]) throws(CompileError) -> WorkflowDef {
        let s = member.name
        let transfers = transferTools(member, peers: peers)
        let transferOutputs: [String: JSONValue] = [
            "is_transfer": expr("\(s)_check_transfer.output.is_transfer"), "transfer_to": expr("\(s)_check_transfer.output.transfer_to"),
        ]
        if let model = member.model, model.hasPrefix("claude-code") {
            return try base.compiler.compileAgent(AgentCompiler.childConfig(member))
        }
        var def = WorkflowDef(
            name: "\(s)_swarm_wf", description: "Swarm agent: \(s)", version: 1,
            inputParameters: ["prompt", "session_id", "media", "cwd"], schemaVersion: 2, restartable: true, timeoutSeconds: 60)
        if !isParent && !member.agents.isEmpty {
            // Hierarchical member: its own team runs first, then one LLM turn decides whether to transfer.
            def.description = "Swarm hierarchical agent: \(s)"
            var innerInputs: [String: JSONValue] = [
                "prompt": "${workflow.input.prompt}", "media": "${workflow.input.media}", "session_id": "${workflow.input.session_id}",
            ]
            if base.compiler.budgeted { innerInputs["_budget_outer"] = "${workflow.input._budget_outer}" }
            let inner = WorkflowTask.subWorkflow(
                "\(s)_inner", name: "\(s)_strategy", innerInputs, definition: try base.compiler.compileAgent(member))
            let transferLLM = LLMTaskBuilder.plain(
                "\(s)_transfer_llm", model: try ModelRef(member.model),
                system: "You have just completed your task. Your result is shown above.\n\nIf another agent should handle a different part of the request, call the appropriate transfer tool. Otherwise, do NOT call any tool — just respond with a brief acknowledgment.",
                user: "${workflow.input.prompt}", assistant: "${\(s)_inner.output.result}", temperature: false,
                tools: transfers.map(ToolCatalog.spec))
            def.tasks = [inner, transferLLM, checkTransfer(s, llm: "\(s)_transfer_llm")]
            def.outputParameters = ["result": expr("\(s)_inner.output.result"), "finishReason": "stop"].merging(transferOutputs) { $1 }
            if base.compiler.budgeted {
                def.outputParameters?["budgetSpent"] = expr("\(s)_inner.output.budgetSpent")
                def.outputParameters?["budget"] = expr("\(s)_inner.output.budget")
            }
            PostProcessor.finish(&def)
            return def
        }
        var config = member
        config.agents = []
        config.tools = member.tools + transfers
        // The parent's own budget is the swarm's, checked through `_budget_outer`; a member's bounds its turns.
        if isParent { config.budget = nil }
        let unit = AgentUnit(config: config)
        let llmRef = "\(s)_llm"
        let llm = try LLMTaskBuilder.build(unit, ref: llmRef, tools: .specs(config.tools.map(ToolCatalog.spec)))
        let (router, _) = try ToolRouterBuilder(agent: unit, tools: config.tools, llmRef: llmRef).build()
        let budgeted = base.compiler.budgeted || config.budget != nil
        var budget: [WorkflowTask] = []
        if budgeted {
            let price = try BudgetBuilder.price(
                unit, prices: base.compiler.prices,
                needsCost: config.budget?.maxCostUSD != nil || base.compiler.budgets.contains { $0.maxCostUSD != nil })
            budget = BudgetBuilder.loopCheck(unit, llmRef: llmRef, startRef: "\(s)_init_state", price: price, ref: "\(s)_budget")
        }
        let calls = "($.\(llmRef)['toolCalls'] != null && $.\(llmRef)['toolCalls'].length > 0)"
        let condition = "if ( $.\(s)_loop['iteration'] < 25 && ($.\(llmRef)['finishReason'] == 'LENGTH' || $.\(llmRef)['finishReason'] == 'MAX_TOKENS' || (\(calls) && ($.\(s)_check_transfer.is_transfer != true))) ) { true; } else { false; }"
        def.tasks = [
            .setVariable("\(s)_init_state", ["_agent_state": [:]]),
            .doWhile("\(s)_loop", condition: condition, inputs: [
                "\(s)_loop": expr("\(s)_loop"), llmRef: expr(llmRef), "\(s)_check_transfer": expr("\(s)_check_transfer"),
            ], body: [llm] + budget + [router, checkTransfer(s, llm: llmRef)]),
        ]
        def.outputParameters = [
            "result": expr("\(llmRef).output.result"), "finishReason": expr("\(llmRef).output.finishReason"),
        ].merging(transferOutputs) { $1 }
        if budgeted { def.outputParameters?["budgetSpent"] = "${workflow.variables._budget_spent}" }
        PostProcessor.finish(&def)
        return def
    }

    private func checkTransfer(_ s: String, llm: String) -> WorkflowTask {
        .simple(SystemWorkerNames.swarmCheckTransfer(s), ref: "\(s)_check_transfer", ["tool_calls": expr("\(llm).output.toolCalls")])
    }
}
