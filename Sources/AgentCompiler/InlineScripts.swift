import Workflow

/// One piece of JavaScript in a compiled workflow.
public struct InlineScript: Sendable, Hashable {
    /// Where the script sits.
    public enum Kind: String, Sendable, Hashable {
        /// An INLINE task's `inputParameters.expression`.
        case inline
        /// A graaljs SWITCH's `expression`.
        case switchExpression
        /// A DO_WHILE's `loopCondition`.
        case loopCondition
    }

    /// The task holding it.
    public var taskReferenceName: String
    public var kind: Kind
    /// The JavaScript text.
    public var text: String
}

extension AgentCompiler {
    /// Every script of `workflow` — INLINE expressions, graaljs SWITCH expressions and loop conditions, inline
    /// sub-workflows included — in task order (for engines and tests that run them).
    public static func scripts(in workflow: WorkflowDef) -> [InlineScript] {
        var out: [InlineScript] = []
        func walk(_ tasks: [WorkflowTask]) {
            for task in tasks {
                let ref = task.taskReferenceName
                if task.type == "INLINE", let text = task.inputParameters["expression"]?.stringValue {
                    out.append(InlineScript(taskReferenceName: ref, kind: .inline, text: text))
                }
                if task.type == "SWITCH", task.evaluatorType == "graaljs" || task.evaluatorType == "javascript", let text = task.expression {
                    out.append(InlineScript(taskReferenceName: ref, kind: .switchExpression, text: text))
                }
                if let text = task.loopCondition { out.append(InlineScript(taskReferenceName: ref, kind: .loopCondition, text: text)) }
                walk(task.loopOver ?? [])
                for key in (task.decisionCases ?? [:]).keys.sorted() { walk(task.decisionCases![key]!) }
                walk(task.defaultCase ?? [])
                for branch in task.forkTasks ?? [] { walk(branch) }
                walk(task.subWorkflowParam?.workflowDefinition?.tasks ?? [])
            }
        }
        walk(workflow.tasks)
        return out
    }
}
