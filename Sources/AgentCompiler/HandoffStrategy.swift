import AgentSpec
import Workflow

/// `handoff` (§12.2) and `router` (§12.3): a router picks the next sub-agent by name each turn until it says
/// `DONE`, then a final LLM answers from the transcript.
struct HandoffStrategy {
    let base: MultiAgentCompiler
    /// `router` strategy (a worker or agent router may replace the parent as router).
    let router: Bool

    func compile() throws(CompileError) -> WorkflowDef {
        let agent = base.agent
        let r = agent.r
        var def = base.workflow(router ? "Router agent" : "Handoff agent")
        var tasks = SingleAgentCompiler.instructionTasks(agent)
        var routerAgent: AgentUnit?
        if router, case .agent(let config)? = agent.config.router {
            routerAgent = AgentUnit(config: config)
            tasks += SingleAgentCompiler.instructionTasks(AgentUnit(config: config), prefix: "\(r)_router")
        }
        tasks.append(base.contextResolve())
        tasks.append(.setVariable("\(r)_init", [
            "conversation": .string(base.initialConversation), "_agent_state": expr("\(r)_ctx_resolve.output.result"),
        ]))

        let routerTask: WorkflowTask
        if router, case .worker(let worker)? = agent.config.router {
            routerTask = .simple(worker.taskName, ref: "\(r)_router", [
                "prompt": "${workflow.variables.conversation}", "conversation": "${workflow.variables.conversation}",
            ])
        } else {
            let instructions: String
            let model: ModelRef
            if let routerAgent {
                instructions = routerAgent.instructionsWorker != nil
                    ? "${\(r)_router_instructions.output.result}" : LLMTaskBuilder.instructionText(routerAgent)
                model = try ModelRef(routerAgent.config.model ?? agent.config.model)
            } else {
                instructions = LLMTaskBuilder.instructionText(agent)
                model = try ModelRef(agent.config.model)
            }
            var routerWorkflow = WorkflowDef(
                name: "\(r)_router_wf", description: "Router sub-workflow for \(r)_router", version: 1,
                tasks: [LLMTaskBuilder.plain(
                    "\(r)_router_llm", model: model, system: routerPrompt(instructions), user: "${workflow.input.conversation}")],
                inputParameters: ["conversation"], outputParameters: ["result": expr("\(r)_router_llm.output.result")],
                schemaVersion: 2, restartable: true, timeoutPolicy: "ALERT_ONLY", timeoutSeconds: 0)
            PostProcessor.finish(&routerWorkflow)
            routerTask = .subWorkflow(
                "\(r)_router", name: "\(r)_router", ["conversation": "${workflow.variables.conversation}"], definition: routerWorkflow)
        }

        var cases: [String: [WorkflowTask]] = ["DONE": [.inline("\(r)_done_noop", Scripts.doneNoop)]]
        for (i, sub) in base.subAgents.enumerated() {
            cases[sub.name] = try handoffTurn(sub, index: i, suffix: "")
        }
        let defaultCase = try handoffTurn(base.subAgents[0], index: 0, suffix: "_default")
        let body: [WorkflowTask] = [
            routerTask,
            .inline("\(r)_route_annotate", Scripts.routeAnnotate, [
                "prev": "${workflow.variables.conversation}", "decision": expr("\(r)_router.output.result"),
            ]),
            .setVariable("\(r)_route_set", ["conversation": expr("\(r)_route_annotate.output.result")]),
            .switchOn("\(r)_switch", "${\(r)_router.output.result}", cases: cases, default: defaultCase),
        ]
        tasks.append(.doWhile(
            "\(r)_loop",
            condition: "if ( $.\(r)_loop['iteration'] < \(agent.maxTurns) && $.\(r)_router['result'] != 'DONE' ) { true; } else { false; }",
            inputs: ["\(r)_loop": expr("\(r)_loop"), "\(r)_router": expr("\(r)_router")], body: body))
        tasks.append(try base.finalTask())
        def.tasks = tasks
        def.outputParameters = ["result": expr("\(r)_final.output.result"), "context": "${workflow.variables._agent_state}"]
        return def
    }

    private func handoffTurn(_ sub: AgentConfig, index i: Int, suffix: String) throws(CompileError) -> [WorkflowTask] {
        let x = base.agent.x
        return try base.turn(
            sub, ref: "\(x)_handoff_\(i)_\(sub.name)\(suffix)", concatRef: "\(x)_hconcat_\(i)\(suffix)",
            mergeRef: "\(x)_hctx_merge_\(i)\(suffix)", setRef: "\(x)_hset_\(i)\(suffix)")
    }

    /// The coordinator prompt: which agent handles the next unaddressed part, or `DONE`.
    private func routerPrompt(_ instructions: String) -> String {
        let info = base.subAgents.map { "- \($0.name): \(AgentUnit(config: $0).summary)\n" }.joined()
        let names = base.subAgents.map(\.name).joined(separator: ", ")
        return (instructions.isEmpty ? "" : instructions + "\n\n") + """
            You are a coordinator that delegates tasks to specialized agents.

            Available agents:
            \(info)
            Based on the conversation so far, decide the next action:
            - Carefully analyze the user's COMPLETE request. It may contain MULTIPLE parts that require DIFFERENT agents.
            - If ANY part of the user's request has NOT yet been addressed by an appropriate agent, respond with ONLY the name of the agent that should handle the unaddressed part (one of: \(names))
            - ONLY if ALL parts of the user's request have been fully addressed, respond with ONLY the word DONE

            Important: Review the full conversation to check which parts have been handled. Do NOT say DONE until every distinct part of the request has received a response from a suitable agent.

            Respond with a single word — either an agent name or DONE. No other text.
            """
    }
}
