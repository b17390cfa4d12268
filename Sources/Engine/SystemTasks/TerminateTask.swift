import Workflow

extension Session {
    /// TERMINATE: validates `terminationStatus`; once completed the decider ends the workflow with it.
    func startTerminate(_ r: TaskRecord, in state: ExecutionState) throws {
        let input = r.task.inputData
        guard let status = input[value: "terminationStatus"].stringValue, ["COMPLETED", "FAILED", "TERMINATED"].contains(status)
        else {
            try finish(
                r.id, in: state, status: .failedWithTerminalError,
                reason: "terminationStatus must be one of COMPLETED, FAILED, TERMINATED")
            return
        }
        let output: [String: JSONValue]
        switch input[value: "workflowOutput"] {
        case .null: output = [:]
        case .object(let o): output = o
        case let other: output = ["output": other]
        }
        try finish(r.id, in: state, status: .completed, output: output)
    }
}
