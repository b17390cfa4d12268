import AgentSpec
import Workflow

/// Guardrail tasks (§9): the check per type, its routing SWITCH per `onFail`, and the loop-continuation term.
enum GuardrailBuilder {
    /// What a set of compiled guardrails adds to the enclosing loop.
    struct Compiled {
        var tasks: [WorkflowTask] = []
        /// Refs the loop condition reads (added to the DO_WHILE inputs).
        var resultRefs: [String] = []
        /// Continuation terms (`$.G.result.should_continue == true`), OR-ed into the condition.
        var terms: [String] = []
        /// Retry-feedback refs, registered as `user` participants of the LLM task.
        var retryRefs: [String] = []
    }

    /// The guardrail types the compiler turns into tasks; others are skipped like the server does.
    static func isCompiled(_ guardrail: GuardrailConfig) -> Bool {
        ["regex", "llm", "custom", "external"].contains(guardrail.guardrailType ?? "")
    }

    /// Compiles `guardrails` checking `content`.
    /// - Parameters:
    ///   - prefix: `R(X)` for agent guardrails, `R(X)_tool` for tool guardrails (check task refs).
    ///   - routeName: raw `X` for agent guardrails, `R(X)` for tool guardrails (routing refs).
    ///   - tool: tool guardrails use `_tg` suffixes and the literal iteration `"1"`.
    static func compile(
        _ guardrails: [GuardrailConfig], agent: AgentUnit, prefix: String, routeName: String, content: String,
        iteration: String, tool: Bool
    ) throws(CompileError) -> Compiled {
        var out = Compiled()
        for (index, guardrail) in guardrails.enumerated() {
            let suffix: String
            if tool { suffix = guardrails.count == 1 ? "_tg" : "_tg_\(index)" } else { suffix = guardrails.count == 1 ? "" : "_\(index)" }
            let name = guardrail.name
            let onFail = guardrail.onFail ?? "retry"
            let maxRetries = guardrail.maxRetries ?? 3
            let resultRef: String
            let resultPath: String
            switch guardrail.guardrailType {
            case "regex":
                resultRef = "\(prefix)_regex_guardrail_\(name)"
                resultPath = "\(resultRef).output.result"
                out.tasks.append(.inline(resultRef, Scripts.regexGuardrail(
                    name: name, patterns: guardrail.patterns ?? [], mode: guardrail.mode, onFail: onFail,
                    message: guardrail.message, maxRetries: maxRetries), ["content": .string(content), "iteration": .string(iteration)]))
            case "llm":
                resultRef = "\(prefix)_llm_guardrail_\(name)"
                resultPath = "\(resultRef).output.result"
                let judge = try ModelRef(guardrail.model)
                let system = "You are a content safety evaluator. Evaluate the following content against this policy:\n\nPOLICY: \(guardrail.policy ?? "")\n\nRespond with ONLY a JSON object: {\"passed\": true/false, \"reason\": \"...\"}"
                out.tasks.append(LLMTaskBuilder.plain(
                    "\(resultRef)_llm", model: judge, system: system, user: content, jsonOutput: true, maxTokens: guardrail.maxTokens ?? 256))
                out.tasks.append(.inline(resultRef, Scripts.llmGuardrailParser(name: name, onFail: onFail, maxRetries: maxRetries), [
                    "llm_result": expr("\(resultRef)_llm.output.result"), "iteration": .string(iteration),
                ]))
            case "custom":
                resultRef = "\(prefix)_output_guardrail_\(name)"
                resultPath = "\(resultRef).output.result"
                out.tasks.append(.simple(guardrail.taskName ?? name, ref: "\(resultRef)_worker", workerInputs(content, iteration)))
                out.tasks.append(.inline(resultRef, Scripts.customGuardrailNormalize, [
                    "worker_output": expr("\(resultRef)_worker.output"), "guardrail_name": .string(name), "default_on_fail": .string(onFail),
                ]))
            default:
                resultRef = "\(prefix)_ext_guardrail_\(name)"
                resultPath = "\(resultRef).output"
                out.tasks.append(.simple(name, ref: resultRef, workerInputs(content, iteration)))
            }
            out.resultRefs.append(resultRef)
            // Guarded: a tool guardrail runs only in turns with tool calls, so in a turn without any its task may
            // not exist yet and `$.G` is null (the reference reads `.result` of it and fails the loop).
            out.terms.append(resultPath.hasSuffix(".output.result")
                ? "($.\(resultRef) != null && $.\(resultRef).result != null && $.\(resultRef).result.should_continue == true)"
                : "($.\(resultRef) != null && $.\(resultRef).should_continue == true)")
            let n = routeName
            var cases: [String: [WorkflowTask]] = [
                "retry": [.inline("\(n)_guardrail_retry\(suffix)", Scripts.guardrailRetry, [
                    "guardrail_message": expr("\(resultPath).message"), "llm_output": .string(content),
                ])],
                "raise": [.terminate("\(n)_guardrail_terminate\(suffix)", status: "FAILED", reason: "${\(resultPath).message}")],
                "fix": [
                    .inline("\(n)_guardrail_fix\(suffix)", Scripts.guardrailFix, ["fixed_output": expr("\(resultPath).fixed_output")]),
                    .setVariable("\(n)_guardrail_fix_set\(suffix)", ["_fixed_output": expr("\(resultPath).fixed_output")]),
                ],
            ]
            if onFail == "human" {
                cases["human"] = try humanReview(agent: agent, guardrail: guardrail, name: n, suffix: suffix, resultPath: resultPath, content: content)
            }
            out.retryRefs.append("\(n)_guardrail_retry\(suffix)")
            out.tasks.append(.switchOn(
                "\(n)_guardrail_route\(suffix)", "${\(resultPath).on_fail}", cases: cases,
                default: [.setVariable("\(n)_guardrail_pass_noop\(suffix)", ["_guardrail_passed": true])]))
        }
        return out
    }

    private static func workerInputs(_ content: String, _ iteration: String) -> [String: JSONValue] {
        var inputs: [String: JSONValue] = [:]
        for key in ["content", "input", "input_text", "output", "agentOutput", "agent_output"] { inputs[key] = .string(content) }
        inputs["iteration"] = .string(iteration)
        return inputs
    }

    /// The `human` case (§9.6): review pipeline, then approve / edit / reject.
    private static func humanReview(
        agent: AgentUnit, guardrail: GuardrailConfig, name n: String, suffix: String, resultPath: String, content: String
    ) throws(CompileError) -> [WorkflowTask] {
        let h = "\(n)_guardrail_human\(suffix)"
        let model = try? ModelRef(guardrail.model ?? agent.config.model)
        var tasks = HumanTaskBuilder.pipeline(
            prefix: h, displayName: "\(n) Guardrail Review", schema: HumanTaskBuilder.reviewSchema,
            uiSchema: HumanTaskBuilder.reviewUISchema,
            context: [
                "guardrail_message": expr("\(resultPath).message"), "guardrail_name": expr("\(resultPath).guardrail_name"),
                "llm_output": .string(content),
            ],
            validate: Scripts.guardrailReviewValidate, process: Scripts.guardrailReviewProcess,
            processInputs: ["llm_output": .string(content)], model: model, normalizerPrompt: Scripts.reviewNormalizerPrompt)
        tasks.append(.switchOn(
            "\(n)_guardrail_human_action\(suffix)", "${\(h)_process.output.result.action}",
            cases: [
                "approve": [.setVariable("\(n)_guardrail_human_approve\(suffix)", ["_human_approved": true])],
                "edit": [.setVariable("\(n)_guardrail_human_edit\(suffix)", ["_human_edited_output": expr("\(h)_process.output.result.result")])],
            ],
            default: [.terminate("\(n)_guardrail_human_reject\(suffix)", status: "FAILED", reason: "${\(h)_process.output.result.reason}")]))
        return tasks
    }
}
