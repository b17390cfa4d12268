import Engine
import Foundation
import Workflow

/// Turns one journal entry of an execution (with the records it names) into agent stream events.
///
/// A pure function of committed state: replaying the journal of an execution always yields the same events in the
/// same order, which is what makes the stream survive server restarts and reconnects without storing events.
struct AgentEventDeriver {
    /// Task types that are never tools, even when a task of that type completes.
    static let systemTypes: Set<String> = [
        "LLM_CHAT_COMPLETE", "SWITCH", "DO_WHILE", "INLINE", "SET_VARIABLE", "FORK_JOIN_DYNAMIC", "FORK_JOIN", "FORK",
        "JOIN", "SUB_WORKFLOW", "HUMAN", "TERMINATE", "WAIT", "DECISION", "PULL_WORKFLOW_MESSAGES",
    ]
    /// Media tasks the agent loop dispatches for `generate_*` tools; their whole output (files, types) is the result.
    static let mediaTypes: Set<String> = ["GENERATE_IMAGE", "GENERATE_AUDIO", "GENERATE_VIDEO", "GENERATE_PDF"]
    /// Tasks the server runs for a tool call of the model that the compiled workflow passes no `method`
    /// (`rag_index` / `rag_search` tools).
    static let serverToolTypes: Set<String> = ["LLM_INDEX_TEXT", "LLM_SEARCH_INDEX"]
    /// Keys the server or the compiled workflow add to tool arguments; not the model's arguments.
    static let internalArgumentKeys: Set<String> = [
        "_agent_state", "__agentspan_ctx__", "method", "_allowed_commands", "_tool_name", "_tool_effect",
    ]

    /// An event before the stream assigns it an id.
    struct Draft: Sendable, Hashable {
        var type: AgentStreamEvent.Kind
        var executionId: String
        var timestamp: Int64
        var content: String?
        var toolName: String?
        var args: JSONValue?
        var result: JSONValue?
        var target: String?
        var output: JSONValue?
        var guardrailName: String?
        var pendingTool: JSONValue?
        var condensation: JSONValue?
        /// Where in the spec the failing task comes from (errors and guardrail failures).
        var location: SpecLocation?
        var effect: String?

        init(_ type: AgentStreamEvent.Kind, _ executionId: String, _ timestamp: Int64) {
            self.type = type
            self.executionId = executionId
            self.timestamp = timestamp
        }

        func event(id: Int) -> AgentStreamEvent {
            AgentStreamEvent(
                id: id, type: type, executionId: executionId, timestamp: timestamp, content: content, toolName: toolName,
                args: args, result: result, target: target, output: output, guardrailName: guardrailName,
                pendingTool: pendingTool, messagesBefore: condensation?["messagesBefore"].intValue,
                messagesAfter: condensation?["messagesAfter"].intValue,
                exchangesCondensed: condensation?["exchangesCondensed"].intValue, location: location, effect: effect)
        }
    }

    /// Events of `entry` for the stream of `rootID`. `task` is the record named by `entry.taskID`; `workflow` the
    /// execution named by `entry.workflowID` (without tasks). `failure` locates an error: the source map of the
    /// task's execution for a task entry, the located failing task for a workflow's end.
    func events(
        for entry: JournalEntry, rootID: String, task: ConductorTask?, workflow: WorkflowExecution?,
        failure: FailureLocator.Located? = nil
    ) -> [Draft] {
        switch entry.kind {
        case .workflowStarted:
            guard entry.workflowID != rootID, entry.parentWorkflowID != nil, let workflow else { return [] }
            var draft = Draft(.handoff, entry.workflowID, entry.time)
            draft.target = Self.handoffTarget(workflowName: workflow.workflowName)
            return [draft]
        case .taskScheduled:
            // The engine condensed the history this LLM turn starts from.
            guard let task, task.taskType == "LLM_CHAT_COMPLETE" || task.workflowTask?.type == "LLM_CHAT_COMPLETE",
                  case .object = task.inputData["contextCondensed"] ?? .null else { return [] }
            let condensation = task.inputData["contextCondensed"] ?? .null
            var draft = Draft(.contextCondensed, entry.workflowID, entry.time)
            draft.content = condensation["trigger"].stringValue ?? "context window"
            draft.condensation = condensation
            return [draft]
        case .taskStarted:
            guard let task, Self.waitsForAnswer(task) else { return [] }
            var draft = Draft(.waiting, entry.workflowID, entry.time)
            draft.pendingTool = Self.pendingTool(for: task)
            return [draft]
        case .taskEnded:
            guard let task else { return [] }
            return taskEnded(task, entry: entry).map { draft in
                guard draft.type == .error || draft.type == .guardrailFail, let map = failure?.sourceMap else { return draft }
                var located = draft
                located.location = map.location(referenceName: task.referenceTaskName, toolName: Self.toolName(of: task))
                return located
            }
        case .workflowPaused:
            var draft = Draft(.waiting, entry.workflowID, entry.time)
            draft.pendingTool = .object([:])
            return [draft]
        case .workflowEnded:
            // A retried or restarted execution is running again; its earlier end is not an event any more.
            guard let workflow, workflow.status.isTerminal else { return [] }
            if workflow.status == .completed {
                guard entry.workflowID == rootID else { return [] }
                var draft = Draft(.done, entry.workflowID, entry.time)
                draft.output = .object(AgentOutput.presented(workflow.output))
                return [draft]
            }
            var draft = Draft(.error, entry.workflowID, entry.time)
            draft.toolName = "workflow"
            let reason = workflow.reasonForIncompletion ?? ""
            draft.content = reason.isEmpty ? "Workflow \(workflow.status.rawValue.lowercased())" : reason
            draft.location = failure?.location
            return [draft]
        default:
            return []
        }
    }

    private func taskEnded(_ task: ConductorTask, entry: JournalEntry) -> [Draft] {
        let type = task.workflowTask?.type ?? task.taskType
        let executionID = entry.workflowID
        if type == "LLM_CHAT_COMPLETE" {
            guard task.status == .completed else { return [failure(task, entry: entry)] }
            let calls = task.outputData["toolCalls"]?.arrayValue ?? []
            let text = task.outputData["result"]?.stringValue ?? ""
            let reasoning = task.outputData["reasoning"]?.stringValue ?? ""
            var drafts: [Draft] = []
            for words in [reasoning, calls.isEmpty ? "" : text] where !words.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                var draft = Draft(.thinking, executionID, entry.time)
                draft.content = words
                drafts.append(draft)
            }
            return drafts
        }
        if type == "PULL_WORKFLOW_MESSAGES" {
            guard task.status == .completed else { return [failure(task, entry: entry)] }
            return (task.outputData["messages"]?.arrayValue ?? []).map { message in
                var draft = Draft(.message, executionID, entry.time)
                draft.toolName = task.taskDefName ?? task.referenceTaskName
                draft.content = Self.messageText(message["payload"])
                draft.result = message
                return draft
            }
        }
        if type == "INLINE", Self.stripIteration(task.referenceTaskName).hasSuffix("_budget"),
           let check = task.outputData["result"], check["exhausted"].boolValue == true {
            var draft = Draft(.budgetExhausted, executionID, entry.time)
            draft.content = check["message"].stringValue
            draft.output = check
            return [draft]
        }
        if Self.isTool(task, type: type) {
            var call = Draft(.toolCall, executionID, entry.time)
            call.toolName = Self.toolName(of: task)
            call.effect = task.inputData["_tool_effect"]?.stringValue
            if type == "CALL_MCP_TOOL" {
                // The model's arguments, not the server URL and headers around them.
                call.args = task.inputData["arguments"] ?? .object([:])
            } else {
                call.args = .object(task.inputData.filter { !Self.internalArgumentKeys.contains($0.key) })
            }
            switch task.status {
            case .completed:
                var result = Draft(.toolResult, executionID, entry.time)
                result.toolName = call.toolName
                result.result = Self.mediaTypes.contains(type) ? .object(task.outputData) : task.outputData["result"] ?? .object(task.outputData)
                return [call, result]
            default:
                // COMPLETED_WITH_ERRORS too: an optional tool task that failed for good (the model reads the error).
                var error = failure(task, entry: entry)
                error.toolName = call.toolName
                return [call, error]
            }
        }
        if task.referenceTaskName.contains("guardrail"), let verdict = Self.guardrailVerdict(task) {
            var draft = Draft(verdict.passed ? .guardrailPass : .guardrailFail, executionID, entry.time)
            draft.guardrailName = Self.stripIteration(task.referenceTaskName)
            if !verdict.passed { draft.content = verdict.message }
            return [draft]
        }
        switch task.status {
        case .failed, .failedWithTerminalError, .timedOut:
            return [failure(task, entry: entry)]
        default:
            return []
        }
    }

    private func failure(_ task: ConductorTask, entry: JournalEntry) -> Draft {
        var draft = Draft(.error, entry.workflowID, entry.time)
        draft.toolName = Self.stripIteration(task.referenceTaskName)
        if task.status == .timedOut {
            draft.content = "Task timed out"
        } else {
            draft.content = task.reasonForIncompletion ?? "Task \(task.status.rawValue.lowercased())"
        }
        return draft
    }

    /// A tool the model called: a worker task dispatched by the agent loop (it carries `method` or `_agent_state`).
    static func isTool(_ task: ConductorTask, type: String) -> Bool {
        if systemTypes.contains(type) || task.referenceTaskName.hasPrefix("_fw_") { return false }
        if type == "HTTP" || type == "CALL_MCP_TOOL" { return task.inputData["method"] != nil }
        if mediaTypes.contains(type) || serverToolTypes.contains(type) { return true }
        return task.inputData["method"] != nil || task.inputData["_agent_state"] != nil
    }

    /// The tool's own name, as the model called it.
    static func toolName(of task: ConductorTask) -> String {
        if let method = task.inputData["method"]?.stringValue, !method.isEmpty { return method }
        if let name = task.inputData["_tool_name"]?.stringValue, !name.isEmpty { return name }
        if let function = task.outputData["function"]?.stringValue, !function.isEmpty { return function }
        return task.taskDefName ?? task.taskType
    }

    /// A task whose start is a `waiting` event: a HUMAN task, or a pull task that found no message queued.
    static func waitsForAnswer(_ task: ConductorTask) -> Bool {
        let type = task.workflowTask?.type ?? task.taskType
        return type == "HUMAN" || type == "PULL_WORKFLOW_MESSAGES"
    }

    /// What a `message` event shows of a message: the text of `{"message": "…"}` (what `agentspanc send` and the
    /// SDKs' `send_message` make of text), else the payload as JSON.
    static func messageText(_ payload: JSONValue?) -> String {
        let payload = payload ?? .null
        if case .object(let fields) = payload, fields.count == 1, let text = fields["message"]?.stringValue { return text }
        return payload.jsonText()
    }

    /// `{taskRefName, tool_name, parameters, response_schema?, response_ui_schema?}` of a waiting HUMAN task; a pull
    /// task waiting for a message is `{taskRefName, tool_name, parameters: null, waitingFor: "message"}`.
    static func pendingTool(for task: ConductorTask) -> JSONValue {
        var pending: [String: JSONValue] = ["taskRefName": .string(task.referenceTaskName)]
        if (task.workflowTask?.type ?? task.taskType) == "PULL_WORKFLOW_MESSAGES" {
            pending["tool_name"] = .string(task.taskDefName ?? task.referenceTaskName)
            pending["parameters"] = .null
            pending["waitingFor"] = "message"
            return .object(pending)
        }
        var toolName = task.inputData["tool_name"] ?? .null
        var parameters = task.inputData["parameters"] ?? .null
        if toolName == .null, let calls = task.inputData["tool_calls"]?.arrayValue, let first = calls.first {
            toolName = first["name"]
            parameters = .object((first["inputParameters"].objectValue ?? [:]).filter { !internalArgumentKeys.contains($0.key) })
            pending["tool_calls"] = .array(calls)
        }
        pending["tool_name"] = toolName
        pending["parameters"] = parameters
        for key in ["response_schema", "response_ui_schema", "_description"] {
            if let value = task.inputData[key], value != .null { pending[key] = value }
        }
        return .object(pending)
    }

    /// `passed`/`message` of a guardrail task (SIMPLE output, or an INLINE task's `result`).
    static func guardrailVerdict(_ task: ConductorTask) -> (passed: Bool, message: String?)? {
        let output = task.outputData["passed"] != nil ? JSONValue.object(task.outputData) : task.outputData["result"] ?? .null
        guard let passed = output["passed"].boolValue else { return nil }
        return (passed, output["message"].stringValue)
    }

    /// The agent a sub-workflow runs, from its workflow name (`<parent>_handoff_0_<agent>`, `<agent>_wf`,
    /// `<agent>_swarm_wf`, …).
    static func handoffTarget(workflowName: String) -> String {
        var name = stripIteration(workflowName)
        if name.hasSuffix("_swarm_wf") {
            name.removeLast(9)
        } else if name.hasSuffix("_wf") {
            name.removeLast(3)
        }
        let strategies = "handoff|agent|step|sequential|parallel|round_robin|router|swarm|random|manual|transfer"
        if let match = name.firstMatch(of: try! Regex("^.*_(?:\(strategies))_[0-9]+_(.+)$")),
            let captured = match.output[1].substring
        {
            return String(captured)
        }
        if let match = name.firstMatch(of: try! Regex("^[0-9]+_(.+)$")), let captured = match.output[1].substring {
            return String(captured)
        }
        return name
    }

    /// `ref__3` → `ref`, `work__2__1` → `work` (nested loops add one suffix per level).
    static func stripIteration(_ ref: String) -> String { WorkflowSourceMap.stripIteration(ref) }
}
