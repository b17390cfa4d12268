import Workflow

extension Session {
    /// The `messages` an LLM_CHAT_COMPLETE task is scheduled with: its static messages plus the history rebuilt from
    /// earlier iterations of the same LLM task (agentspan-compiler.md §8.2): each turn's tool calls as one
    /// `tool_call` message followed by one `tool` message per tool task whose reference name is the call id, plain
    /// answers as assistant messages, participants' outputs with their roles, older tool results compacted, and a
    /// final "Please continue" user turn when the conversation would otherwise not end on a user or tool message.
    ///
    /// When the estimated size (characters / 3.5) exceeds the context window (input `contextWindow`, else the
    /// engine's, 128,000 tokens by default) minus `maxTokens`, older exchanges are condensed (see ``ContextCondenser``) and the
    /// second value says how; the LLM task records it as `contextCondensed` (a `context_condensed` event).
    func chatHistory(for llm: TaskRecord, in state: ExecutionState) -> (messages: [JSONValue], condensed: JSONValue?) {
        let input = llm.task.inputData
        var messages = input[value: "messages"].arrayValue ?? []
        let staticCount = messages.count
        if let previous = input[value: "previousResponseId"].stringValue, !previous.isEmpty { return (messages, nil) }
        let participants = input[value: "participants"].objectValue ?? [:]
        let ref = llm.baseRef
        for t in state.tasks where t.id != llm.id && t.status.isTerminal && t.task.retried != true {
            if t.baseRef == ref, t.status == .completed {
                let calls = t.task.outputData[value: "toolCalls"].arrayValue ?? []
                if calls.isEmpty {
                    let text = Self.resultText(t.task.outputData[value: "result"], unwrapResponse: true)
                    let finish = t.task.outputData[value: "finishReason"].stringValue ?? ""
                    if finish == "MAX_TOKENS" || finish == "LENGTH" {
                        messages.append([
                            "role": "user",
                            "message": .string("You were saying:\n\n\(text)\n\nPlease continue where you left off."),
                        ])
                    } else {
                        messages.append(["role": "assistant", "message": .string(text)])
                    }
                    continue
                }
                var turn: [String: JSONValue] = ["role": "tool_call", "message": "", "toolCalls": .array(calls)]
                // Anthropic's signed thinking blocks travel with their tool-use turn (see ChatResponse.reasoningBlocks).
                if let blocks = t.task.outputData[value: "reasoningBlocks"].arrayValue, !blocks.isEmpty {
                    turn["reasoningBlocks"] = .array(blocks)
                }
                messages.append(.object(turn))
                for call in calls {
                    let id = call["taskReferenceName"].stringValue ?? ""
                    let tool = state.tasks.last {
                        $0.baseRef == id && ($0.task.seq ?? 0) > (t.task.seq ?? 0) && $0.status.isTerminal
                    }
                    messages.append([
                        "role": "tool", "message": .string(tool.map(Self.toolResultText) ?? Self.failedText("The tool was not executed")),
                        "toolCallId": .string(id), "taskReferenceName": .string(id), "name": call["name"],
                    ])
                }
            } else if let role = participants[t.baseRef]?.stringValue {
                let output = t.task.outputData
                messages.append(["role": .string(role), "message": .string(Self.resultText(output[value: "result"] == .null ? .object(output) : output[value: "result"], unwrapResponse: false))])
            }
        }
        messages.removeAll { m in
            let role = m["role"].stringValue
            return role != "tool" && role != "tool_call" && (m["toolCalls"].arrayValue ?? []).isEmpty
                && Self.resultText(m["message"], unwrapResponse: false).allSatisfy(\.isWhitespace)
        }
        Self.compactToolResults(&messages)
        let condenser = ContextCondenser(
            contextWindow: input[value: "contextWindow"].intValue ?? services.contextWindow,
            maxTokens: input[value: "maxTokens"].intValue ?? 4096)
        let condensed = condenser.condense(&messages, staticCount: min(staticCount, messages.count))
        if let last = messages.last?["role"].stringValue, last != "user", last != "tool" {
            messages.append(["role": "user", "message": "Please continue where you left off."])
        }
        return (messages, condensed)
    }

    /// Tool results older than the 6 most recent are cut to 500 characters; contextbook writes and summaries
    /// collapse to `[ok]` (agentspan-compiler.md §8.2).
    static func compactToolResults(_ messages: inout [JSONValue]) {
        let toolIndices = messages.indices.filter { messages[$0]["role"].stringValue == "tool" }
        let recent = Set(toolIndices.suffix(6))
        for i in toolIndices {
            guard case .object(var m) = messages[i], let text = m["message"]?.stringValue else { continue }
            let name = m["name"]?.stringValue ?? ""
            if name == "contextbook_write" || name == "contextbook_summary" {
                m["message"] = "[ok]"
            } else if !recent.contains(i), text.count > 500 {
                m["message"] = .string(String(text.prefix(500)) + "… [truncated]")
            } else {
                continue
            }
            messages[i] = .object(m)
        }
    }

    static func resultText(_ value: JSONValue, unwrapResponse: Bool) -> String {
        switch value {
        case .string(let s): return s
        case .null: return ""
        case .object(let o) where unwrapResponse && o["response"] != nil: return resultText(o["response"]!, unwrapResponse: false)
        default: return value.jsonText()
        }
    }

    static func failedText(_ reason: String) -> String {
        JSONValue.object(["status": "FAILED", "error": .string(reason)]).jsonText()
    }

    /// What the model reads for one executed tool: `output.result` if present, else the output as JSON; failures
    /// (including optional tasks that ended COMPLETED_WITH_ERRORS) as `{status: FAILED, error}`.
    static func toolResultText(_ t: TaskRecord) -> String {
        guard t.status == .completed else {
            return failedText(t.task.reasonForIncompletion ?? "Task ended with status \(t.status.rawValue)")
        }
        var output = t.task.outputData
        if t.task.taskType == "SUB_WORKFLOW" { output = ["result": output[value: "result"]] }
        let result = output[value: "result"]
        if result != .null { return resultText(result, unwrapResponse: false) }
        return JSONValue.object(output).jsonText()
    }
}
