import AgentSpec
import Workflow

/// `parallel` (§12.5): every sub-agent answers the prompt at once; the results are aggregated.
struct ParallelStrategy {
    let base: MultiAgentCompiler

    func compile() throws(CompileError) -> WorkflowDef {
        let r = base.agent.r
        var def = base.workflow("Parallel agents")
        var branches: [[WorkflowTask]] = []
        var refs: [String] = []
        var results: [String: JSONValue] = [:]
        var merge: [String: JSONValue] = [
            "parentCtx": "${workflow.variables.context}", "agentNames": .array(base.subAgents.map { .string($0.name) }),
        ]
        for sub in base.subAgents {
            if let found = Self.destructiveTool(in: sub) {
                throw CompileError(
                    "tool '\(found.1)' of agent '\(found.0)' is destructive and may not run in a parallel branch of '\(base.agent.x)'")
            }
        }
        for (i, sub) in base.subAgents.enumerated() {
            let ref = "\(r)_parallel_\(i)_\(sub.name)"
            branches.append([try base.compiler.subAgentTask(
                sub, ref: ref, prompt: "${workflow.input.prompt}", context: "${workflow.variables.context}", outer: base.budgetOuter(share: base.subAgents.count))])
            refs.append(ref)
            results[sub.name] = expr("\(ref).output.result")
            merge["child_\(i)"] = expr("\(ref).output.context")
        }
        def.tasks = [
            base.contextResolve(),
            .setVariable("\(r)_ctx_init", ["context": expr("\(r)_ctx_resolve.output.result")]),
            WorkflowTask(name: "\(r)_fork", taskReferenceName: "\(r)_fork", type: "FORK_JOIN", forkTasks: branches, joinOn: refs),
            WorkflowTask(name: "\(r)_fork_join", taskReferenceName: "\(r)_fork_join", type: "JOIN", joinOn: refs),
            .inline("\(r)_aggregate", Scripts.parallelAggregate, ["agentResults": .object(results)]),
            .inline("\(r)_ctx_merge", Scripts.namespacedMergeContext, merge),
            .setVariable("\(r)_ctx_set", ["context": expr("\(r)_ctx_merge.output.result")]),
        ]
        // Branches run at once, each bounded by the spend at the fork; their sum is checked at the join.
        def.tasks += base.budgetCheck(
            "\(r)_budget", after: zip(base.subAgents, refs).map { (name: $0.name, ref: $1) }, now: "\(r)_fork_join.endTime",
            result: expr("\(r)_aggregate.output.result.result"))
        def.outputParameters = [
            "result": expr("\(r)_aggregate.output.result.result"), "subResults": expr("\(r)_aggregate.output.result.subResults"),
            "context": "${workflow.variables.context}",
        ]
        return def
    }

    /// The first `effects: destructive` tool of `agent` or its sub-agents, as (agent, tool).
    static func destructiveTool(in agent: AgentConfig) -> (String, String)? {
        if let tool = agent.tools.first(where: { $0.effects == .destructive }) { return (agent.name, tool.name) }
        for sub in agent.agents { if let found = destructiveTool(in: sub) { return found } }
        return nil
    }
}
