import Workflow

/// Range checks of the time settings the engine computes deadlines from, applied where definitions, starts and
/// results enter the engine: a value outside 0…one year is refused with a bad request naming the field. Values
/// already stored (or arriving by another path) are harmless anyway: every deadline is computed with saturating
/// arithmetic (``Swift/Int64/saturatingDeadline(_:plusSeconds:)``).
enum TimeSettingLimits {
    /// The largest number of seconds any timeout, delay or callback may be set to: one year.
    static let maxSeconds = 31_536_000

    /// Throws a bad request when `value` is outside `0...maxSeconds`.
    static func check(_ value: Int?, _ field: String, context: String = "") throws(EngineError) {
        guard let value, !(0...maxSeconds).contains(value) else { return }
        throw EngineError.invalid("\(field) must be between 0 and \(maxSeconds) (got \(value))\(context)")
    }

    /// The time settings of a task definition, fields named `prefix.field`.
    static func check(_ def: TaskDef, prefix: String = "taskDef", context: String? = nil) throws(EngineError) {
        let context = context ?? (def.name.isEmpty ? "" : " in task definition '\(def.name)'")
        try check(def.retryDelaySeconds, "\(prefix).retryDelaySeconds", context: context)
        try check(def.maxRetryDelaySeconds, "\(prefix).maxRetryDelaySeconds", context: context)
        try check(def.timeoutSeconds, "\(prefix).timeoutSeconds", context: context)
        try check(def.responseTimeoutSeconds, "\(prefix).responseTimeoutSeconds", context: context)
        try check(def.pollTimeoutSeconds, "\(prefix).pollTimeoutSeconds", context: context)
        try check(def.rateLimitFrequencyInSeconds, "\(prefix).rateLimitFrequencyInSeconds", context: context)
    }

    /// The time settings of a workflow definition, its tasks, their inline task definitions and inline
    /// sub-workflows.
    static func check(_ def: WorkflowDef, prefix: String = "workflowDef") throws(EngineError) {
        try check(def.timeoutSeconds, "\(prefix).timeoutSeconds", context: def.name.isEmpty ? "" : " in workflow '\(def.name)'")
        func walk(_ list: [WorkflowTask]) throws(EngineError) {
            for t in list {
                let field = "\(prefix).tasks[\(t.taskReferenceName)]"
                try check(t.retryDelaySeconds, "\(field).retryDelaySeconds")
                try check(t.startDelay, "\(field).startDelay")
                if let inline = t.taskDefinition { try check(inline, prefix: "\(field).taskDefinition", context: "") }
                if let child = t.subWorkflowParam?.workflowDefinition {
                    try check(child, prefix: "\(field).subWorkflowParam.workflowDefinition")
                }
                for key in (t.decisionCases ?? [:]).keys.sorted() { try walk(t.decisionCases?[key] ?? []) }
                try walk(t.defaultCase ?? [])
                for branch in t.forkTasks ?? [] { try walk(branch) }
                try walk(t.loopOver ?? [])
            }
        }
        try walk(def.tasks)
    }

    /// The time settings of a worker's result.
    static func check(_ result: TaskResult) throws(EngineError) {
        try check(result.callbackAfterSeconds, "taskResult.callbackAfterSeconds", context: " for task \(result.taskId)")
    }
}
