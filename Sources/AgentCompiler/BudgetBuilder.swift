import AgentSpec
import Workflow

/// The budget check of an agent loop (`budget:`): after each LLM turn that asks for tools, an INLINE task adds the
/// turn's tokens, cost and tool calls to what the run spent (`workflow.variables._budget_spent`), and when a limit
/// is reached a TERMINATE ends the run COMPLETED, with `finishReason: BUDGET_EXHAUSTED` and the spend in its
/// output, before the turn's tools run. The event stream turns the exhausted check into a `budget_exhausted` event.
enum BudgetBuilder {
    /// The check, the variable update and the gate, for the loop body before the tool router.
    static func tasks(
        _ budget: BudgetConfig, agent: AgentUnit, llmRef: String, startRef: String, prices: PriceTable
    ) throws(CompileError) -> [WorkflowTask] {
        let r = agent.r
        var limits: [String: JSONValue] = [:]
        if let tokens = budget.maxTokens { limits["maxTokens"] = .int(tokens) }
        if let cost = budget.maxCostUSD { limits["maxCostUSD"] = .double(cost) }
        if let calls = budget.maxToolCalls { limits["maxToolCalls"] = .int(calls) }
        if let seconds = budget.maxWallSeconds { limits["maxWallSeconds"] = .double(seconds) }
        var price: JSONValue = .null
        if let known = prices.price(of: agent.config.model) {
            price = ["input": .double(known.input), "output": .double(known.output)]
        } else if budget.maxCostUSD != nil {
            throw CompileError(
                "agent '\(agent.x)' sets budget.maxCostUSD but the price table has no price for model "
                    + "'\(agent.config.model ?? "none")'; add it to the server's price table")
        }
        let check = "\(r)_budget"
        let result = "\(check).output.result"
        return [
            .inline(check, script, [
                "llm": expr("\(llmRef).output"), "spent": "${workflow.variables._budget_spent}",
                "started": expr("\(startRef).startTime"), "now": expr("\(llmRef).endTime"),
                "limits": .object(limits), "price": price,
            ]),
            .setVariable("\(r)_budget_set", ["_budget_spent": expr("\(result).spent")]),
            .switchJS(
                "\(r)_budget_gate", "$.exhausted == true ? 'exhausted' : 'within'",
                inputs: ["exhausted": expr("\(result).exhausted")],
                cases: ["exhausted": [
                    WorkflowTask(
                        name: "\(r)_budget_stop", taskReferenceName: "\(r)_budget_stop", type: "TERMINATE",
                        inputParameters: [
                            "terminationStatus": "COMPLETED", "terminationReason": expr("\(result).message"),
                            "workflowOutput": [
                                "result": expr("\(llmRef).output.result"), "finishReason": "BUDGET_EXHAUSTED",
                                "budget": expr(result),
                            ],
                        ]),
                ]]),
        ]
    }

    /// Adds the turn to the spend and compares it with the limits. Tool calls count when they are asked for; a
    /// turn whose calls would pass `maxToolCalls` is stopped before they run. A turn without tool calls ends the
    /// run anyway and is never stopped.
    static let script = Scripts.iife(#"""
    var s = $.spent || {}, o = $.llm || {}, L = $.limits || {}, price = $.price;
    var asked = (o.toolCalls && o.toolCalls.length) ? o.toolCalls.length : 0;
    var p = (s.promptTokens || 0) + (o.promptTokens || 0), c = (s.completionTokens || 0) + (o.completionTokens || 0);
    var ran = s.toolCalls || 0;
    var cost = price ? (p * price.input + c * price.output) / 1000000 : 0;
    var wall = ($.now && $.started) ? ($.now - $.started) / 1000 : 0;
    var spent = { tokens: p + c, promptTokens: p, completionTokens: c, toolCalls: ran + asked, costUSD: cost, wallSeconds: wall };
    var hit = null;
    if (asked > 0) {
      if (L.maxTokens != null && p + c >= L.maxTokens) { hit = { limit: 'maxTokens', used: p + c, max: L.maxTokens }; }
      else if (L.maxCostUSD != null && cost >= L.maxCostUSD) { hit = { limit: 'maxCostUSD', used: cost, max: L.maxCostUSD }; }
      else if (L.maxToolCalls != null && ran + asked > L.maxToolCalls) { hit = { limit: 'maxToolCalls', used: ran, max: L.maxToolCalls }; }
      else if (L.maxWallSeconds != null && wall >= L.maxWallSeconds) { hit = { limit: 'maxWallSeconds', used: wall, max: L.maxWallSeconds }; }
    }
    if (hit !== null) { spent.toolCalls = ran; }
    return {
      spent: spent, limits: L, exhausted: hit !== null, limit: hit ? hit.limit : null, used: hit ? hit.used : null,
      max: hit ? hit.max : null,
      message: hit ? 'budget exhausted: ' + hit.limit + ' (' + hit.used + ' used of ' + hit.max + ')' : null
    };
    """#)
}
