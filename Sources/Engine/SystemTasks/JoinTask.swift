import Workflow

extension Session {
    /// JOIN: completes when every joined task is done; output `{ref: output}`. Optional failures make it
    /// COMPLETED_WITH_ERRORS (a non-optional failure has already failed the workflow).
    func executeJoin(_ r: TaskRecord, in state: ExecutionState) throws -> Bool {
        let refs = (r.task.inputData[value: "joinOn"].arrayValue ?? []).compactMap(\.stringValue)
        var output: [String: JSONValue] = [:]
        var withErrors = false
        for ref in refs {
            guard let t = state.latest(ref: ref), t.status.isTerminal, t.task.executed == true else { return false }
            output[ref] = .object(t.task.outputData)
            if t.status == .completedWithErrors { withErrors = true }
        }
        try finish(r.id, in: state, status: withErrors ? .completedWithErrors : .completed, output: output)
        return true
    }
}
