import AgentSpec
import Workflow

/// The tool router SWITCH of an agent loop (§7.2): tool guardrails, the approval gate, and the fork chain that
/// runs every tool call of the turn as a dynamic task.
struct ToolRouterBuilder {
    let agent: AgentUnit
    let tools: [ToolConfig]
    /// The LLM task whose tool calls are routed.
    let llmRef: String
    /// Set when tools are discovered at run time: the resolve task whose tables the enrich script reads, and
    /// whether MCP tables exist.
    var discovery: (resolveRef: String, hasMCP: Bool)?

    /// The tool-call test of the loop condition.
    var toolCallTerm: String {
        "($.\(llmRef)['toolCalls'] != null && $.\(llmRef)['toolCalls'].length > 0)"
    }

    /// The router SWITCH and what its tool guardrails add to the loop.
    func build() throws(CompileError) -> (WorkflowTask, GuardrailBuilder.Compiled) {
        let r = agent.r
        let calls = expr("\(llmRef).output.toolCalls")
        var guardrails = GuardrailBuilder.Compiled()
        var toolCase: [WorkflowTask] = []
        let toolGuardrails = tools.flatMap { $0.guardrails ?? [] }.filter(GuardrailBuilder.isCompiled)
        if !toolGuardrails.isEmpty {
            toolCase.append(.inline("\(r)_format_tool_calls", Scripts.formatToolCalls, ["tool_calls": calls]))
            guardrails = try GuardrailBuilder.compile(
                toolGuardrails, agent: agent, prefix: "\(r)_tool", routeName: r,
                content: "${\(r)_format_tool_calls.output.result.formatted}", iteration: "1", tool: true)
            toolCase += guardrails.tasks
        }
        let approvals = tools.filter(\.policy.requiresApproval).map(\.name)
        let destructive = tools.filter { $0.effects == .destructive }.map(\.name)
        if !destructive.isEmpty && discovery == nil {
            toolCase += destructiveInTurn(destructive, approvals: approvals)
        } else if approvals.isEmpty {
            toolCase += forkChain(prefix: nil)
        } else {
            toolCase += approvalGate(approvals)
        }
        let router = WorkflowTask.switchJS(
            "\(r)_tool_router", name: "SWITCH", "$.toolCalls != null && $.toolCalls.length > 0 ? 'tool_call' : 'none'",
            inputs: ["toolCalls": calls], cases: ["tool_call": toolCase], default: [])
        return (router, guardrails)
    }

    /// An agent with destructive tools: the turn's other calls run first (approved together, in one fork), then
    /// each destructive call on its own, in the order asked, after its own approval (`R(X)_destructive_loop`): they
    /// never run at the same time as each other.
    private func destructiveInTurn(_ destructive: [String], approvals: [String]) -> [WorkflowTask] {
        let r = agent.r
        let split = "\(r)_split_calls.output.result"
        let others = approvals.filter { !destructive.contains($0) }
        let one = "\(r)_destructive_pick.output.result"
        let each = approvals.contains(where: destructive.contains)
            ? approvalGate(approvals.filter(destructive.contains), prefix: "\(r)_destructive", calls: "\(one).calls")
            : forkChain(prefix: "destructive_direct", calls: "\(one).calls")
        let loop = "\(r)_destructive_loop"
        return [
            .inline("\(r)_split_calls", Scripts.splitCalls(destructive), ["tool_calls": expr("\(llmRef).output.toolCalls")]),
            .switchJS(
                "\(r)_others_switch", "$.count > 0 ? 'run' : 'none'", inputs: ["count": expr("\(split).otherCount")],
                cases: ["run": others.isEmpty
                    ? forkChain(prefix: nil, calls: "\(split).others")
                    : approvalGate(others, calls: "\(split).others")]),
            .switchJS(
                "\(r)_destructive_switch", "$.count > 0 ? 'run' : 'none'", inputs: ["count": expr("\(split).destructiveCount")],
                cases: ["run": [.doWhile(
                    loop, condition: "if ( $.\(loop)['iteration'] < $.count ) { true; } else { false; }",
                    inputs: [loop: expr(loop), "count": expr("\(split).destructiveCount")],
                    body: [.inline("\(r)_destructive_pick", Scripts.pickCall, [
                        "calls": expr("\(split).destructive"), "iteration": expr("\(loop).iteration"),
                    ])] + each)]]),
        ]
    }

    /// enrich → FORK_JOIN_DYNAMIC → JOIN → merge state → set state; refs `R(X)_[p_]…`. `calls` is the expression of
    /// the calls to run (all the LLM's calls by default).
    func forkChain(prefix: String?, calls: String? = nil) -> [WorkflowTask] {
        let p = prefix.map { "\(agent.r)_\($0)" } ?? agent.r
        var enrichInputs: [String: JSONValue] = [
            "toolCalls": expr(calls ?? "\(llmRef).output.toolCalls"), "agentState": "${workflow.variables._agent_state}",
            "agentspanCtx": "${workflow.input.__agentspan_ctx__}", "userPrompt": "${workflow.input.prompt}",
        ]
        if let discovery {
            if discovery.hasMCP { enrichInputs["mcpConfig"] = expr("\(discovery.resolveRef).output.result.mcpConfig") }
            enrichInputs["apiConfig"] = expr("\(discovery.resolveRef).output.result.apiConfig")
        }
        let script = Scripts.enrichTools(ToolCatalog.tables(tools), agentRef: agent.r, dynamic: discovery != nil)
        return [
            .inline("\(p)_enrich_tools", script, enrichInputs),
            WorkflowTask(
                name: "FORK_JOIN_DYNAMIC", taskReferenceName: "\(p)_fork", type: "FORK_JOIN_DYNAMIC",
                inputParameters: ["dynamicTasks": expr("\(p)_enrich_tools.output.result.dynamicTasks"), "dynamicTasksInputs": [:]],
                dynamicForkTasksParam: "dynamicTasks", dynamicForkTasksInputParamName: "dynamicTasksInputs"),
            WorkflowTask(name: "JOIN", taskReferenceName: "\(p)_fork_join", type: "JOIN"),
            .inline("\(p)_merge_state", Scripts.stateMerge, [
                "currentState": "${workflow.variables._agent_state}", "joinOutput": expr("\(p)_fork_join.output"),
            ]),
            .setVariable("\(p)_set_state", ["_agent_state": expr("\(p)_merge_state.output.result.mergedState")]),
        ]
    }

    /// §7.6: check, HUMAN approval pipeline, approved → fork chain, rejected → end COMPLETED. `prefix` names the
    /// gate's tasks (`R(X)` by default) and `calls` the calls it approves (all the LLM's calls by default).
    private func approvalGate(_ names: [String], prefix: String? = nil, calls: String? = nil) -> [WorkflowTask] {
        let r = prefix ?? agent.r
        let forkPrefix = prefix.map { String($0.dropFirst(agent.r.count + 1)) + "_" } ?? ""
        let toolCalls = expr(calls ?? "\(llmRef).output.toolCalls")
        let h = "\(r)_approval_human"
        let process = "\(h)_process.output.result"
        var needsApproval = HumanTaskBuilder.pipeline(
            prefix: h, displayName: prefix == nil ? "\(r) Tool Approval" : "\(agent.r) Destructive Tool Approval",
            schema: discovery == nil ? HumanTaskBuilder.approvalSchema : nil,
            uiSchema: discovery == nil ? HumanTaskBuilder.approvalUISchema : nil,
            context: ["tool_calls": toolCalls],
            validate: Scripts.approvalValidate, process: Scripts.approvalProcess,
            model: try? ModelRef(agent.config.model), normalizerPrompt: Scripts.approvalNormalizerPrompt)
        var approved: [WorkflowTask] = []
        if discovery == nil {
            approved += [
                .inline("\(r)_approval_format_feedback", Scripts.formatHumanFeedback, [
                    "extra": expr("\(process).extra"), "reason": expr("\(process).reason"),
                ]),
                .setVariable("\(r)_approval_store_feedback", ["_human_feedback": expr("\(r)_approval_format_feedback.output.result")]),
            ]
        }
        approved += forkChain(prefix: forkPrefix + "approved", calls: calls)
        needsApproval.append(.switchJS(
            "\(r)_approval_route", "$.approved == true ? 'approved' : 'rejected'",
            inputs: ["approved": expr("\(process).approved")], cases: ["approved": approved],
            default: [
                .setVariable("\(r)_approval_reject_output", [
                    "rejectedToolCall": expr("\(process).rejected_tool"), "rejectionReason": expr("\(process).reason"),
                    "finishReason": "rejected",
                ]),
                .terminate("\(r)_approval_reject", status: "COMPLETED", reason: "${\(process).reason}"),
            ]))
        return [
            .inline("\(r)_check_approval", Scripts.checkApproval(names), ["tool_calls": toolCalls]),
            .switchJS(
                "\(r)_approval_gate", "$.needs_approval == true ? 'needs_approval' : 'direct'",
                inputs: ["needs_approval": expr("\(r)_check_approval.output.result.needs_approval")],
                cases: ["needs_approval": needsApproval], default: forkChain(prefix: forkPrefix + "direct", calls: calls)),
        ]
    }
}
