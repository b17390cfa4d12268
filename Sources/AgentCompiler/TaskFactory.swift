import Workflow

/// Constructors for the task shapes the compiler emits (§2.3 of the reference): a task's name defaults to its
/// reference, as the server's post-processing does.
extension WorkflowTask {
    /// An INLINE task running `script` (graaljs) with named inputs.
    static func inline(_ ref: String, _ script: String, _ inputs: [String: JSONValue] = [:]) -> WorkflowTask {
        var parameters = inputs
        parameters["evaluatorType"] = "graaljs"
        parameters["expression"] = .string(script)
        return WorkflowTask(name: ref, taskReferenceName: ref, type: "INLINE", inputParameters: parameters)
    }

    /// A SET_VARIABLE task.
    static func setVariable(_ ref: String, _ variables: [String: JSONValue]) -> WorkflowTask {
        WorkflowTask(name: ref, taskReferenceName: ref, type: "SET_VARIABLE", inputParameters: variables)
    }

    /// A SIMPLE worker task.
    static func simple(_ name: String, ref: String, _ inputs: [String: JSONValue]) -> WorkflowTask {
        WorkflowTask(name: name, taskReferenceName: ref, type: "SIMPLE", inputParameters: inputs)
    }

    /// An LLM_CHAT_COMPLETE task.
    static func llm(_ ref: String, _ inputs: [String: JSONValue]) -> WorkflowTask {
        WorkflowTask(name: "llm_chat_complete", taskReferenceName: ref, type: "LLM_CHAT_COMPLETE", inputParameters: inputs)
    }

    /// A value-param SWITCH on one expression.
    static func switchOn(
        _ ref: String, _ value: String, cases: [String: [WorkflowTask]], default defaultCase: [WorkflowTask] = []
    ) -> WorkflowTask {
        WorkflowTask(
            name: ref, taskReferenceName: ref, type: "SWITCH", inputParameters: ["switchCaseValue": .string(value)],
            evaluatorType: "value-param", expression: "switchCaseValue", decisionCases: cases, defaultCase: defaultCase)
    }

    /// A graaljs SWITCH whose `expression` evaluates to a case key.
    static func switchJS(
        _ ref: String, name: String? = nil, _ expression: String, inputs: [String: JSONValue],
        cases: [String: [WorkflowTask]], default defaultCase: [WorkflowTask] = []
    ) -> WorkflowTask {
        WorkflowTask(
            name: name ?? ref, taskReferenceName: ref, type: "SWITCH", inputParameters: inputs, evaluatorType: "graaljs",
            expression: expression, decisionCases: cases, defaultCase: defaultCase)
    }

    /// A DO_WHILE loop.
    static func doWhile(_ ref: String, condition: String, inputs: [String: JSONValue], body: [WorkflowTask]) -> WorkflowTask {
        WorkflowTask(name: ref, taskReferenceName: ref, type: "DO_WHILE", inputParameters: inputs, loopCondition: condition, loopOver: body)
    }

    /// A SUB_WORKFLOW task embedding `definition` (or naming a registered workflow when it is nil).
    static func subWorkflow(_ ref: String, name: String, _ inputs: [String: JSONValue], definition: WorkflowDef?) -> WorkflowTask {
        WorkflowTask(
            name: name, taskReferenceName: ref, type: "SUB_WORKFLOW", inputParameters: inputs,
            subWorkflowParam: SubWorkflowParams(name: definition?.name ?? name, version: definition?.version, workflowDefinition: definition))
    }

    /// A TERMINATE task.
    static func terminate(_ ref: String, status: String, reason: String) -> WorkflowTask {
        WorkflowTask(
            name: ref, taskReferenceName: ref, type: "TERMINATE",
            inputParameters: ["terminationStatus": .string(status), "terminationReason": .string(reason)])
    }

    /// A HUMAN task.
    static func human(_ ref: String, _ inputs: [String: JSONValue]) -> WorkflowTask {
        WorkflowTask(name: ref, taskReferenceName: ref, type: "HUMAN", inputParameters: inputs)
    }
}

/// `${expr}` as a JSON string.
func expr(_ path: String) -> JSONValue { .string("${\(path)}") }
