/// One event of an agent execution, as `GET /api/agent/stream/{id}` sends it in an SSE `data:` line.
///
/// All event types share this shape; type-specific fields are nil when they do not apply.
public struct AgentStreamEvent: Codable, Sendable, Hashable {
    /// Event types of the agent stream.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case thinking, handoff, waiting, error, done, message
        case toolCall = "tool_call"
        case toolResult = "tool_result"
        case guardrailPass = "guardrail_pass"
        case guardrailFail = "guardrail_fail"
        case contextCondensed = "context_condensed"
        case subagentStart = "subagent_start"
        case subagentStop = "subagent_stop"
        /// A `budget:` limit was reached and the run stopped; `content` says which and how much was used, `output`
        /// holds the spend against every limit.
        case budgetExhausted = "budget_exhausted"
    }

    /// Per-stream sequence number, starting at 1.
    public var id: Int
    public var type: Kind
    /// The execution that produced the event (a sub-agent's own id for forwarded events).
    public var executionId: String
    /// Epoch milliseconds.
    public var timestamp: Int64
    /// The model's words (thinking), an error message, or a guardrail message.
    public var content: String?
    public var toolName: String?
    public var args: JSONValue?
    public var result: JSONValue?
    /// Handoff target agent.
    public var target: String?
    /// Final output (`done`).
    public var output: JSONValue?
    public var guardrailName: String?
    /// What a `waiting` execution expects: `{taskRefName, tool_name, parameters, response_schema?, …}`.
    public var pendingTool: JSONValue?
    /// `context_condensed`: the history's length before and after, and how many exchanges were summarised.
    public var messagesBefore: Int?
    public var messagesAfter: Int?
    public var exchangesCondensed: Int?
    /// `error` and `guardrail_fail`: where in the spec the failing tool, guardrail, gate, handoff, model or agent is
    /// written (from the workflow's source map), when the spec was compiled with one.
    public var location: SpecLocation?
    /// `tool_call`: the tool's declared effect (`read`, `write`, `destructive`), when it declares one.
    public var effect: String?

    public init(
        id: Int, type: Kind, executionId: String, timestamp: Int64, content: String? = nil, toolName: String? = nil,
        args: JSONValue? = nil, result: JSONValue? = nil, target: String? = nil, output: JSONValue? = nil,
        guardrailName: String? = nil, pendingTool: JSONValue? = nil, messagesBefore: Int? = nil,
        messagesAfter: Int? = nil, exchangesCondensed: Int? = nil, location: SpecLocation? = nil, effect: String? = nil
    ) {
        self.id = id
        self.type = type
        self.executionId = executionId
        self.timestamp = timestamp
        self.content = content
        self.toolName = toolName
        self.args = args
        self.result = result
        self.target = target
        self.output = output
        self.guardrailName = guardrailName
        self.pendingTool = pendingTool
        self.messagesBefore = messagesBefore
        self.messagesAfter = messagesAfter
        self.exchangesCondensed = exchangesCondensed
        self.location = location
        self.effect = effect
    }

    /// `done`, or an `error` about the whole workflow: nothing follows on the stream.
    public var isTerminal: Bool {
        type == .done || (type == .error && toolName == "workflow")
    }

    /// Whether this is the last event of the stream of `executionID` (a sub-agent's `done` is not).
    public func ends(_ executionID: String) -> Bool {
        executionId == executionID && isTerminal
    }
}
