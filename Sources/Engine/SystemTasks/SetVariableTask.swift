import Workflow

extension Session {
    /// SET_VARIABLE: merges the resolved input into the workflow variables (rejects more than 256 KB).
    func startSetVariable(_ r: TaskRecord, in state: ExecutionState) throws {
        var variables = state.execution.variables
        variables.merge(r.task.inputData) { _, new in new }
        if JSONValue.object(variables).jsonText().utf8.count > 256 * 1024 {
            try finish(r.id, in: state, status: .failedWithTerminalError, reason: "The variables payload exceeds 256 KB")
            return
        }
        state.execution.variables = variables
        try finish(r.id, in: state, status: .completed)
    }
}
