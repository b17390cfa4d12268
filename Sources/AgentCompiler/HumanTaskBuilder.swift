import Workflow

/// HUMAN task pipelines (§11): the HUMAN task, validation of the answer, an LLM normaliser for free text, and a
/// process step whose `output.result` downstream tasks read.
enum HumanTaskBuilder {
    /// The answer schema of a tool approval.
    static let approvalSchema: JSONValue = [
        "type": "object", "required": ["approved"],
        "properties": [
            "approved": ["type": "boolean", "title": "Approved", "description": "Approve or reject the tool execution"],
            "reason": ["type": "string", "title": "Reason", "description": "Reason for rejection"],
        ],
    ]
    static let approvalUISchema: JSONValue = [
        "ui:order": ["approved", "reason"], "approved": ["ui:widget": "radio"], "reason": ["ui:widget": "textarea"],
    ]
    /// The answer schema of a guardrail review.
    static let reviewSchema: JSONValue = [
        "type": "object", "required": ["approved"],
        "properties": [
            "approved": ["type": "boolean", "title": "Approved", "description": "Approve the output as is"],
            "edited_output": ["type": "string", "title": "Edited output", "description": "Provide corrected output if editing"],
            "reason": ["type": "string", "title": "Reason", "description": "Reason for rejection"],
        ],
    ]
    static let reviewUISchema: JSONValue = [
        "ui:order": ["approved", "edited_output", "reason"], "approved": ["ui:widget": "radio"],
        "edited_output": ["ui:widget": "textarea"], "reason": ["ui:widget": "textarea"],
    ]
    /// The answer schema of a LangGraph human node: free text or JSON, merged into the graph state.
    static let graphNodeSchema: JSONValue = [
        "type": "object",
        "properties": ["response": ["type": "string", "title": "Response", "description": "Provide your response as JSON or plain text"]],
    ]
    static let graphNodeUISchema: JSONValue = ["ui:order": ["response"], "response": ["ui:widget": "textarea"]]

    /// The `__humanTaskDefinition` input.
    static func definition(_ displayName: String) -> JSONValue {
        ["assignmentCompletionStrategy": "LEAVE_OPEN", "displayName": .string(displayName), "userFormTemplate": ["version": 0]]
    }

    /// A full pipeline with prefix `h`: HUMAN `h`, INLINE `h_validate`, SWITCH `h_normalize_switch` (LLM
    /// `h_normalizer` / SET_VARIABLE `h_normalize_noop`), INLINE `h_process`.
    static func pipeline(
        prefix h: String, displayName: String, schema: JSONValue?, uiSchema: JSONValue?, context: [String: JSONValue],
        validate: String, process: String, processInputs: [String: JSONValue] = [:], model: ModelRef?, normalizerPrompt: String
    ) -> [WorkflowTask] {
        var humanInputs = context.filter { $0.value != .null }
        humanInputs["__humanTaskDefinition"] = definition(displayName)
        if let schema { humanInputs["response_schema"] = schema }
        if let uiSchema { humanInputs["response_ui_schema"] = uiSchema }
        var tasks: [WorkflowTask] = [.human(h, humanInputs), .inline("\(h)_validate", validate, ["human_output": expr("\(h).output")])]
        if let model {
            tasks.append(.switchJS(
                "\(h)_normalize_switch", "$.needs_normalize == true ? 'needs_normalize' : 'skip'",
                inputs: ["needs_normalize": expr("\(h)_validate.output.result.needs_normalize")],
                cases: ["needs_normalize": [LLMTaskBuilder.plain(
                    "\(h)_normalizer", model: model, system: normalizerPrompt,
                    user: "${\(h)_validate.output.result.raw_text}", jsonOutput: true)]],
                default: [.setVariable("\(h)_normalize_noop", ["_normalize_skipped": true])]))
        }
        var inputs = processInputs
        inputs["validated"] = expr("\(h)_validate.output.result")
        inputs["normalized"] = expr("\(h)_normalizer.output.result")
        tasks.append(.inline("\(h)_process", process, inputs))
        return tasks
    }
}
