import AgentSpec
import Workflow

/// Budget checks (`budget:`). Every agent that has a budget, or runs under an agent that has one, keeps what it
/// spent in `workflow.variables._budget_spent` and returns it as `budgetSpent`:
///
/// - an agent loop checks after each LLM turn that asks for tools, before the turn's tools run;
/// - a multi-agent parent adds what each sub-agent spent when it returns, and checks before going on;
/// - a sub-agent gets its ancestors' budgets as `_budget_outer` (each level's limits, start time and spend when
///   the sub-agent started, and the level above as `up`), so a parent's budget stops a sub-agent mid-loop.
///
/// When a limit is reached a TERMINATE ends the workflow COMPLETED, with `finishReason: BUDGET_EXHAUSTED` and the
/// check's result as `budget` (`agent` names whose budget it was). A parent whose sub-agent stopped on a budget
/// that is not the sub-agent's own stops too (`stop` without `exhausted`), up to the agent the budget belongs to.
/// The event stream turns each check that found a limit reached (`exhausted`) into one `budget_exhausted` event.
enum BudgetBuilder {
    /// The limits of `budget` as the scripts read them (`{}` for none).
    static func limits(_ budget: BudgetConfig?) -> JSONValue {
        var limits: [String: JSONValue] = [:]
        guard let budget else { return .object(limits) }
        if let tokens = budget.maxTokens { limits["maxTokens"] = .int(tokens) }
        if let cost = budget.maxCostUSD { limits["maxCostUSD"] = .double(cost) }
        if let calls = budget.maxToolCalls { limits["maxToolCalls"] = .int(calls) }
        if let seconds = budget.maxWallSeconds { limits["maxWallSeconds"] = .double(seconds) }
        return .object(limits)
    }

    /// The `_budget_outer` input of a sub-agent started by `agent`: its budget, start, spend so far and its own
    /// ancestors' budgets.
    /// `share`: sub-agents running at once (parallel branches) each get that share of what is left, so together
    /// they stay within the limit.
    static func outer(_ agent: AgentUnit, startRef: String, share: Int = 1) -> JSONValue {
        var node: [String: JSONValue] = [
            "agent": .string(agent.x), "limits": limits(agent.config.budget), "started": expr("\(startRef).startTime"),
            "spent": "${workflow.variables._budget_spent}", "up": "${workflow.input._budget_outer}",
        ]
        if share > 1 { node["share"] = .int(share) }
        return .object(node)
    }

    /// The price of `agent`'s model for the scripts; `needsCost` (a `maxCostUSD` applies) makes a missing price
    /// a compile error.
    static func price(_ agent: AgentUnit, prices: PriceTable, needsCost: Bool) throws(CompileError) -> JSONValue {
        if let known = prices.price(of: agent.config.model) {
            return ["input": .double(known.input), "output": .double(known.output)]
        }
        if needsCost {
            throw CompileError(
                "agent '\(agent.x)' runs under a budget with maxCostUSD but the price table has no price for model "
                    + "'\(agent.config.model ?? "none")'; add it to the server's price table")
        }
        return .null
    }

    /// The check, the variable update and the gate of an agent loop, for the loop body before the tool router.
    static func loopCheck(
        _ agent: AgentUnit, llmRef: String, startRef: String, price: JSONValue, ref: String? = nil
    ) -> [WorkflowTask] {
        let check = ref ?? "\(agent.r)_budget"
        return gated(check, inputs: [
            "llm": expr("\(llmRef).output"), "spent": "${workflow.variables._budget_spent}", "agent": .string(agent.x),
            "outer": "${workflow.input._budget_outer}", "started": expr("\(startRef).startTime"),
            "now": expr("\(llmRef).endTime"), "limits": limits(agent.config.budget), "price": price,
        ], result: expr("\(llmRef).output.result"))
    }

    /// What one LLM call spent, without a gate (a simple agent's single turn is never stopped): the agent's
    /// `budgetSpent` is `<ref>.output.result.spent`.
    static func spend(_ agent: AgentUnit, llmRef: String, startRef: String, price: JSONValue) -> WorkflowTask {
        .inline("\(agent.r)_budget", script, [
            "llm": expr("\(llmRef).output"), "agent": .string(agent.x), "outer": "${workflow.input._budget_outer}",
            "started": expr("\(startRef).startTime"), "now": expr("\(llmRef).endTime"), "limits": limits(agent.config.budget),
            "price": price,
        ])
    }

    /// The check of a multi-agent parent after sub-agents returned (`subs`: their names and task references): adds
    /// what they spent, stops when a sub-agent stopped on a budget above its own or a limit of this agent (or an
    /// ancestor) is reached.
    static func afterSubAgents(
        _ ref: String, agent: AgentUnit, subs: [(name: String, ref: String)], startRef: String, now: String,
        result: JSONValue
    ) -> [WorkflowTask] {
        let outputs = subs.map { sub -> JSONValue in ["name": .string(sub.name), "out": expr("\(sub.ref).output")] }
        return gated(ref, inputs: [
            "subs": .array(outputs), "spent": "${workflow.variables._budget_spent}", "agent": .string(agent.x),
            "outer": "${workflow.input._budget_outer}", "started": expr("\(startRef).startTime"), "now": expr(now),
            "limits": limits(agent.config.budget),
        ], result: result)
    }

    /// `check`, the spend variable and the SWITCH whose `stop` case ends the workflow.
    private static func gated(_ check: String, inputs: [String: JSONValue], result: JSONValue) -> [WorkflowTask] {
        let outcome = "\(check).output.result"
        return [
            .inline(check, script, inputs),
            .setVariable("\(check)_set", ["_budget_spent": expr("\(outcome).spent")]),
            .switchJS(
                "\(check)_gate", "$.stop == true ? 'exhausted' : 'within'", inputs: ["stop": expr("\(outcome).stop")],
                cases: ["exhausted": [
                    WorkflowTask(
                        name: "\(check)_stop", taskReferenceName: "\(check)_stop", type: "TERMINATE",
                        inputParameters: [
                            "terminationStatus": "COMPLETED", "terminationReason": expr("\(outcome).message"),
                            "workflowOutput": [
                                "result": result, "finishReason": "BUDGET_EXHAUSTED", "budget": expr(outcome),
                                "budgetSpent": expr("\(outcome).spent"),
                            ],
                        ]),
                ]]),
        ]
    }

    /// Adds an LLM turn (`llm`) or returned sub-agents (`subs`) to the spend and compares it with this agent's
    /// limits and then, level by level, its ancestors' (`outer`). Tool calls count when they are asked for; a turn
    /// whose calls would pass `maxToolCalls` is stopped before they run. An LLM turn without tool calls ends the
    /// loop anyway and is never stopped. Cost adds up per call, each priced with its own model.
    static let script = Scripts.iife(#"""
    var s = $.spent || {}, L = $.limits || {}, price = $.price, o = $.llm;
    function n(x) { return (typeof x === 'number' && isFinite(x)) ? x : 0; }
    var p = n(s.promptTokens), c = n(s.completionTokens), ran = n(s.toolCalls), cost = n(s.costUSD), asked = 0, stop = null;
    if (o) {
      asked = (o.toolCalls && o.toolCalls.length) ? o.toolCalls.length : 0;
      var dp = n(o.promptTokens), dc = n(o.completionTokens);
      p += dp; c += dc;
      if (price) { cost += (dp * price.input + dc * price.output) / 1000000; }
    }
    var subs = $.subs || [];
    for (var i = 0; i < subs.length; i++) {
      var out = (subs[i] && subs[i].out) || {}, b = out.budget, d = out.budgetSpent || (b && b.spent) || {};
      p += n(d.promptTokens); c += n(d.completionTokens); ran += n(d.toolCalls); cost += n(d.costUSD);
      if (b && b.stop === true && b.agent !== subs[i].name && stop === null) { stop = b; }
    }
    function secs(t) { return ($.now && t) ? ($.now - t) / 1000 : 0; }
    function test(lim, tokens, money, calls, pending, wall) {
      if (lim.maxTokens != null && tokens >= lim.maxTokens) { return { limit: 'maxTokens', used: tokens, max: lim.maxTokens }; }
      if (lim.maxCostUSD != null && money >= lim.maxCostUSD) { return { limit: 'maxCostUSD', used: money, max: lim.maxCostUSD }; }
      if (lim.maxToolCalls != null && calls + pending > lim.maxToolCalls) { return { limit: 'maxToolCalls', used: calls, max: lim.maxToolCalls }; }
      if (lim.maxWallSeconds != null && wall >= lim.maxWallSeconds) { return { limit: 'maxWallSeconds', used: wall, max: lim.maxWallSeconds }; }
      return null;
    }
    function shared(lim, base, share) {
      if (!(share > 1)) { return lim; }
      function cut(max, used, whole) { if (max == null) { return max; } var v = used + (max - used) / share; return whole ? Math.floor(v) : v; }
      return { maxTokens: cut(lim.maxTokens, n(base.promptTokens) + n(base.completionTokens), true),
        maxCostUSD: cut(lim.maxCostUSD, n(base.costUSD), false), maxToolCalls: cut(lim.maxToolCalls, n(base.toolCalls), true),
        maxWallSeconds: lim.maxWallSeconds };
    }
    var hit = null;
    if (stop === null && (!o || asked > 0)) {
      hit = test(L, p + c, cost, ran, asked, secs($.started));
      if (hit) { hit.agent = $.agent; }
      var tp = p, tc = c, tr = ran, tm = cost, node = $.outer, depth = 0;
      while (hit === null && node && typeof node === 'object' && depth < 64) {
        var ns = node.spent || {};
        tp += n(ns.promptTokens); tc += n(ns.completionTokens); tr += n(ns.toolCalls); tm += n(ns.costUSD);
        hit = test(shared(node.limits || {}, ns, node.share), tp + tc, tm, tr, asked, secs(node.started));
        if (hit) { hit.agent = node.agent; if (node.share > 1) { hit.share = node.share; hit.of = (node.limits || {})[hit.limit]; } }
        node = node.up; depth++;
      }
    }
    var spent = { tokens: p + c, promptTokens: p, completionTokens: c, toolCalls: hit ? ran : ran + asked, costUSD: cost, wallSeconds: secs($.started) };
    var why = hit || stop;
    return {
      spent: spent, limits: L, exhausted: hit !== null, stop: why !== null, agent: why ? why.agent : null,
      limit: why ? why.limit : null, used: why ? why.used : null, max: why ? why.max : null,
      message: hit ? 'budget exhausted: ' + hit.limit + ' of ' + hit.agent + ' (' + hit.used + ' used of ' + hit.max
        + (hit.share ? ', a 1/' + hit.share + ' share of ' + hit.of + ' for branches running at once' : '') + ')'
        : (stop ? stop.message : null)
    };
    """#)
}
