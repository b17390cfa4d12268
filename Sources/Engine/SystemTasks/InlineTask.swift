import Workflow

/// INLINE: evaluates `inputParameters.expression` with `$` = the whole resolved input; output `{result}`.
///
/// The decider first tries a script within ``EngineLimits/inlineScriptBudget`` inside the write transaction (most
/// scripts take microseconds). One that needs longer is stopped there and evaluated again off the transaction, as
/// an engine-run task with the full time and heap limits, so a slow or runaway script never holds up other
/// executions. Evaluating twice is safe: a script has no effect besides its result.
enum InlineTask {
    /// How an evaluation within `timeLimit` ended; nil when it ran out of time and `timeLimit` was only a budget.
    static func outcome(
        _ input: [String: JSONValue], scripts: ScriptEvaluator, timeLimit: Double? = nil
    ) -> EngineTaskOutcome? {
        let evaluator = input[value: "evaluatorType"].stringValue ?? "javascript"
        guard let expression = input[value: "expression"].stringValue, !expression.isEmpty else {
            let reason = "Empty 'expression' in INLINE task's input parameters"
            return EngineTaskOutcome(status: .failedWithTerminalError, output: ["error": .string(reason)], reason: reason)
        }
        switch evaluator {
        case "value-param":
            return EngineTaskOutcome(status: .completed, output: ["result": input[value: expression]], reason: nil)
        case "javascript", "graaljs":
            do throws(ScriptError) {
                let result = try scripts.evaluate(expression, input: input, timeLimit: timeLimit)
                return EngineTaskOutcome(status: .completed, output: ["result": result], reason: nil)
            } catch {
                if case .timeout = error, let timeLimit, timeLimit < scripts.timeLimit { return nil }
                let status: TaskStatus = if case .timeout = error { .failed } else { .failedWithTerminalError }
                return EngineTaskOutcome(status: status, output: ["error": .string(error.description)], reason: error.description)
            }
        default:
            let reason = "Unknown evaluatorType '\(evaluator)' in INLINE task"
            return EngineTaskOutcome(status: .failedWithTerminalError, output: ["error": .string(reason)], reason: reason)
        }
    }
}

extension Session {
    /// INLINE start: the script's result within the budget, or the task handed to the engine's script runner.
    func startInline(_ r: TaskRecord, in state: ExecutionState) throws {
        if let outcome = InlineTask.outcome(r.task.inputData, scripts: services.scripts, timeLimit: services.limits.inlineScriptBudget) {
            try finish(r.id, in: state, status: outcome.status, output: outcome.output, reason: outcome.reason)
            return
        }
        var deferred = r
        deferred.isEngineAsync = true
        deferred.wakeAt = now
        state.update(deferred)
    }
}
