import Workflow

extension Session {
    /// SWITCH (and legacy DECISION): picks the case from `value-param` or a JavaScript expression; the first task
    /// of the chosen case is scheduled as its successor.
    func startSwitch(_ r: TaskRecord, in state: ExecutionState) throws {
        guard let wt = r.task.workflowTask else { return }
        let input = r.task.inputData
        let value: JSONValue
        if wt.type == "DECISION" || wt.evaluatorType == nil, let param = wt.caseValueParam {
            value = input[value: param]
        } else {
            let evaluator = wt.evaluatorType ?? "value-param"
            let expression = wt.expression ?? ""
            switch evaluator {
            case "value-param": value = input[value: expression]
            case "javascript", "graaljs":
                switch services.scripts.result(expression, input: input, timeLimit: services.limits.conditionTimeLimit) {
                case .success(let v): value = v
                case .failure(let error):
                    try finish(r.id, in: state, status: .failed, reason: error.description)
                    return
                }
            default:
                try finish(r.id, in: state, status: .failed, reason: "Unknown evaluatorType '\(evaluator)' in SWITCH task")
                return
            }
        }
        let selected = value.javaString
        let hasChildren = !(wt.decisionCases?[selected] ?? wt.defaultCase ?? []).isEmpty
        guard let i = state.position(of: r.id) else { return }
        state.tasks[i].task.inputData[value: "case"] = .string(selected)
        state.tasks[i].task.inputData[value: "hasChildren"] = .string(hasChildren ? "true" : "false")
        state.update(state.tasks[i])
        try finish(
            r.id, in: state, status: .completed,
            output: ["evaluationResult": [.string(selected)], "selectedCase": .string(selected)])
    }
}
