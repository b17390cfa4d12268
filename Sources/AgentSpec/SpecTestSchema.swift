/// The shape of spec test files (`NAME.test.yaml`: a list of test cases), as data: drives their strict validation
/// and the JSON Schema `agentspanc schema --tests` prints, like ``SpecSchema`` does for specs.
public enum SpecTestSchema {
    /// Every status an expectation may name.
    public static let statuses = ["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"]

    /// One scripted model turn (the cassette format's turn).
    public static let turn = ObjectSchema("model turn", [
        FieldSchema("content", .string, "the text the model answers"),
        FieldSchema("toolCalls", .array(.object(ObjectSchema("scripted tool call", [
            FieldSchema("id", .string, "call id (default call_<turn>_<n>)"),
            FieldSchema("name", .string, required: true, "tool (or transfer) to call"),
            FieldSchema("arguments", .map(.any), "its arguments"),
        ]))), "tool calls the model makes in this turn"),
        FieldSchema("usage", .object(ObjectSchema("token usage", [
            FieldSchema("promptTokens", .integer, required: true, range: .nonNegative, "prompt tokens"),
            FieldSchema("completionTokens", .integer, required: true, range: .nonNegative, "completion tokens"),
        ])), "token counts reported for the turn"),
        FieldSchema("reasoning", .string, "thinking text"),
        FieldSchema("finishReason", .string, "STOP (default), LENGTH, TOOL_CALLS, …"),
    ])

    /// A fixture answer of a tool: the first whose `when` matches the call's arguments answers it.
    public static let fixture = ObjectSchema("tool fixture", [
        FieldSchema("when", .map(.any), "arguments the call must have (a subset; strings starting with ~ are regexes)"),
        FieldSchema("output", .any, "what the tool returns (an object is the task output, anything else {result: …})"),
        FieldSchema("error", .string, "fail the call with this message instead (retries spent: the model sees the error)"),
    ])

    /// How a tool runs in a test.
    public static let tool = ObjectSchema("test tool", [
        FieldSchema("run", .boolean, "true: run the spec's real run: binding"),
        FieldSchema("fixtures", .array(.object(fixture)), "canned answers keyed by argument matchers, first match wins"),
    ])

    /// A scripted human answer to a wait, in order.
    public static let answer = ObjectSchema("answer", [
        FieldSchema("approve", .boolean, "approve (true) the waiting tool call"),
        FieldSchema("reject", .string, "reject the waiting tool call with this reason"),
        FieldSchema("respond", .map(.any), "answer with this object (manual selection, guardrail edit, human tool)"),
    ])

    /// One expected tool call.
    public static let expectedCall = ObjectSchema("expected tool call", [
        FieldSchema("name", .string, required: true, "the tool"),
        FieldSchema("args", .map(.any), "arguments it must have (strings starting with ~ are regexes)"),
        FieldSchema("exact", .boolean, "true: args must be exactly these, not a subset"),
        FieldSchema("result", .any, "what the tool returned (objects as a subset; strings starting with ~ are regexes)"),
    ])

    /// What the output must be.
    public static let outputExpectation = ObjectSchema("output expectation", [
        FieldSchema("equals", .any, "the output (the result text, or the whole output object) equals this"),
        FieldSchema("contains", .string, "the result text contains this"),
        FieldSchema("regex", .string, "the result text matches this regular expression"),
        FieldSchema("schema", .jsonSchema, "the output (parsed JSON when the result is JSON text) satisfies this JSON Schema"),
    ])

    /// Limits the run must stay within.
    public static let budgets = ObjectSchema("budgets", [
        FieldSchema("maxToolCalls", .integer, range: .nonNegative, "at most this many tool calls"),
        FieldSchema("maxTurns", .integer, range: .nonNegative, "at most this many model turns"),
        FieldSchema("maxTokens", .integer, range: .nonNegative, "at most this many tokens, all model calls together"),
    ])

    /// The expectations of a case.
    public static let expectation = ObjectSchema("expectation", [
        FieldSchema("status", .enumeration(statuses), "the execution's final status (default COMPLETED)"),
        FieldSchema("toolCalls", .array(.object(expectedCall)), "the tool calls made"),
        FieldSchema("order", .enumeration(["ordered", "unordered", "exact"]),
                    "ordered (default: in this order, others may come between), unordered, or exact (these and no others, in order)"),
        FieldSchema("notCalled", .array(.string), "tools that must never be called"),
        FieldSchema("handoffs", .array(.string), "agents handed to, in order"),
        FieldSchema("waits", .integer, range: .nonNegative, "how many times the run waits for a human"),
        FieldSchema("guardrails", .map(.enumeration(["pass", "fail"])), "verdict of each named guardrail"),
        FieldSchema("output", .object(outputExpectation), "the final output"),
        FieldSchema("budgets", .object(budgets), "limits on turns, tokens and tool calls"),
    ])

    /// One test case.
    public static let testCase = ObjectSchema("test case", [
        FieldSchema("name", .string, required: true, "what the case shows (one line per case in the report)"),
        FieldSchema("spec", .string, "the spec, relative to the test file (default: NAME.yaml for NAME.test.yaml)"),
        FieldSchema("prompt", .string, required: true, "the prompt"),
        FieldSchema("context", .map(.any), "context passed with the prompt"),
        FieldSchema("turns", .array(.object(turn)), "the model's turns, in order (instead of a cassette)"),
        FieldSchema("cassette", .string, "a cassette file with the model's turns, relative to the test file"),
        FieldSchema("tools", .map(.object(tool)), "how each tool runs; a tool not listed runs its real run: binding"),
        FieldSchema("answers", .array(.object(answer)), "answers to the run's waits, in order"),
        FieldSchema("expect", .object(expectation), "what must hold at the end"),
        FieldSchema("timeoutSeconds", .number, range: .positive, "fail the case after this long (default 60)"),
        FieldSchema("recorded", .boolean,
                    "true: written by `agentspanc run --record-test`; `agentspanc test --update` rewrites its tools and expect"),
    ])
}
