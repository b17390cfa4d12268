import Workflow

extension Session {
    /// INLINE: evaluates `inputParameters.expression` with `$` = the whole resolved input; output `{result}`.
    func startInline(_ r: TaskRecord, in state: ExecutionState) throws {
        let input = r.task.inputData
        let evaluator = input[value: "evaluatorType"].stringValue ?? "javascript"
        guard let expression = input[value: "expression"].stringValue, !expression.isEmpty else {
            try finish(r.id, in: state, status: .failedWithTerminalError, output: ["error": "Empty 'expression' in INLINE task's input parameters"], reason: "Empty 'expression' in INLINE task's input parameters")
            return
        }
        switch evaluator {
        case "value-param":
            try finish(r.id, in: state, status: .completed, output: ["result": input[value: expression]])
        case "javascript", "graaljs":
            switch services.scripts.result(expression, input: input) {
            case .success(let result):
                try finish(r.id, in: state, status: .completed, output: ["result": result])
            case .failure(let error):
                let status: TaskStatus = if case .timeout = error { .failed } else { .failedWithTerminalError }
                try finish(r.id, in: state, status: status, output: ["error": .string(error.description)], reason: error.description)
            }
        default:
            let reason = "Unknown evaluatorType '\(evaluator)' in INLINE task"
            try finish(r.id, in: state, status: .failedWithTerminalError, output: ["error": .string(reason)], reason: reason)
        }
    }
}
