import Foundation
import Testing
import Workflow

@testable import Engine

@Suite struct ToolAgentTests {
    @Test func compiledToolAgentRunsToCompletion() async throws {
        let llm = ScriptedLLM(responses: [
            ChatResponse(
                text: "", toolCalls: [
                    ToolCall(id: "call_1", name: "search", arguments: ["query": "weather in Paris"]),
                    ToolCall(id: "call_2", name: "search", arguments: ["query": "fail please"]),
                ], finishReason: "TOOL_CALLS", promptTokens: 10, completionTokens: 5),
            ChatResponse(text: "It is sunny in Paris.", finishReason: "STOP", promptTokens: 30, completionTokens: 7),
        ])
        let engine = try await makeEngine(llm: llm)
        defer { Task { await engine.shutdown() } }
        try await engine.registerWorkflowDef(try ToolAgentFixture.definition(), overwrite: true)
        let id = try await engine.startWorkflow(
            StartWorkflowRequest(name: "weather_agent", input: ["prompt": "What is the weather in Paris?"]))

        // The test is the tool worker.
        let first = try await engine.pollOne("search")
        let second = try await engine.pollOne("search")
        let byRef = Dictionary(uniqueKeysWithValues: [first, second].map { ($0.referenceTaskName, $0) })
        let ok = try #require(byRef["call_1__1"])
        let bad = try #require(byRef["call_2__1"])
        #expect(ok.inputData["query"] == "weather in Paris")
        #expect(ok.inputData["method"] == "search")
        #expect(ok.inputData["_agent_state"] == [:])
        try await engine.complete(ok, ["result": "sunny, 21°C", "_state_updates": ["city": "Paris"]])
        try await engine.updateTask(
            TaskResult(workflowInstanceId: id, taskId: bad.taskId, status: .failedWithTerminalError, reasonForIncompletion: "no network"))

        let w = try await engine.waitFor(id)
        #expect(w.status == .completed, "\(w.reasonForIncompletion ?? "")")
        #expect(w.output["result"] == "It is sunny in Paris.")
        #expect(w.output["finishReason"] == "STOP")
        #expect(w.output["context"] == ["city": "Paris"])
        #expect(w.output["rejectionReason"] == .null)

        let llmTasks = w.tasks.filter { $0.taskType == "LLM_CHAT_COMPLETE" }
        #expect(llmTasks.map(\.referenceTaskName) == ["weather_agent_llm__1", "weather_agent_llm__2"])
        let calls = try #require(llmTasks[0].outputData["toolCalls"]?.arrayValue)
        #expect(calls.first == ["taskReferenceName": "call_1", "name": "search", "type": "SIMPLE",
                                "inputParameters": ["query": "weather in Paris", "method": "search"]])
        #expect(llmTasks[0].outputData["tokenUsed"] == 15)
        #expect(llmTasks[1].outputData["toolCalls"] == nil)
        #expect(w.task("weather_agent_loop")?.outputData["iteration"] == 2)
        #expect(w.task("call_2__1")?.status == .completedWithErrors)
        #expect(w.task("weather_agent_fork_join__1")?.outputData["call_1__1"]?["result"] == "sunny, 21°C")

        let requests = llm.requests
        try #require(requests.count == 2)
        #expect(requests[0].provider == "openai")
        #expect(requests[0].model == "gpt-4o")
        #expect(requests[0].temperature == 0)
        #expect(requests[0].maxTokens == 16384)
        #expect(requests[0].tools.map(\.name) == ["search"])
        #expect(requests[0].tools.first?.type == "SIMPLE")
        #expect(requests[0].messages == [
            ChatMessage(role: .system, content: "Use tools."),
            ChatMessage(role: .user, content: "What is the weather in Paris?"),
        ])
        let history = requests[1].messages
        try #require(history.count == 5)
        #expect(history[0] == ChatMessage(role: .system, content: "Use tools."))
        #expect(history[1].role == .user)
        #expect(history[1].content.contains("Paris"))
        #expect(history[1].content.hasPrefix("Context:\n```json"))
        #expect(history[2].role == .assistant)
        #expect(history[2].toolCalls == [
            ToolCall(id: "call_1", name: "search", arguments: ["query": "weather in Paris"]),
            ToolCall(id: "call_2", name: "search", arguments: ["query": "fail please"]),
        ])
        #expect(history[3] == ChatMessage(role: .tool, content: "sunny, 21°C", toolCallID: "call_1", toolName: "search"))
        #expect(history[4].role == .tool)
        #expect(history[4].toolCallID == "call_2")
        #expect(try JSONValue.parse(history[4].content) == ["status": "FAILED", "error": "no network"])

        let journal = try await engine.journal(rootWorkflowID: id, afterSeq: 0)
        let scheduledLLM = journal.filter { $0.kind == .taskScheduled && llmTasks.map(\.taskId).contains($0.taskID ?? "") }
        #expect(scheduledLLM.count == 2)
    }

    @Test func signedThinkingBlocksTravelBackWithTheirToolUseTurn() async throws {
        // Anthropic with thinking on rejects a tool-use turn sent back without its signed thinking blocks.
        let thinking: JSONValue = ["type": "thinking", "thinking": "Search first.", "signature": "sig-1"]
        let redacted: JSONValue = ["type": "redacted_thinking", "data": "opaque"]
        let llm = ScriptedLLM(responses: [
            ChatResponse(
                text: "", toolCalls: [ToolCall(id: "call_1", name: "search", arguments: ["query": "Paris"])],
                finishReason: "TOOL_CALLS", reasoning: "Search first.", reasoningBlocks: [thinking, redacted]),
            ChatResponse(text: "Sunny.", finishReason: "STOP"),
        ])
        let engine = try await makeEngine(llm: llm)
        defer { Task { await engine.shutdown() } }
        try await engine.registerWorkflowDef(try ToolAgentFixture.definition(), overwrite: true)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "weather_agent", input: ["prompt": "Weather?"]))
        try await engine.complete(try await engine.pollOne("search"), ["result": "sunny"])
        #expect(try await engine.waitFor(id).status == .completed)

        let second = try #require(llm.requests.dropFirst().first)
        let turn = try #require(second.messages.first { $0.role == .assistant && !$0.toolCalls.isEmpty })
        #expect(turn.reasoningBlocks == [thinking, redacted])
        var anthropic = second
        anthropic.thinkingBudgetTokens = 2048
        let body = AnthropicProvider.requestBody(for: anthropic)
        let assistant = try #require(body["messages"].arrayValue?.first { $0["role"] == "assistant" })
        #expect(assistant["content"].arrayValue?.prefix(2) == [thinking, redacted])
        #expect(assistant["content"].arrayValue?.last?["type"] == "tool_use")
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 2048])
    }

    @Test func finalAnswerWithoutToolsAndJSONOutput() async throws {
        let llm = ScriptedLLM(responses: [ChatResponse(text: "```json\n{\"answer\": 42}\n```", finishReason: "STOP")])
        let engine = try await makeEngine(llm: llm)
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "simple_agent", "tasks": [{"name": "llm_chat_complete", "taskReferenceName": "a_llm", "type": "LLM_CHAT_COMPLETE",
              "inputParameters": {"llmProvider": "anthropic", "model": "claude", "jsonOutput": true, "baseUrl": "http://127.0.0.1:1",
                "thinkingConfig": {"enabled": true, "budgetTokens": 2048},
                "messages": [{"role": "system", "message": "Be brief."}, {"role": "user", "message": "${workflow.input.prompt}"}]}}],
             "outputParameters": {"result": "${a_llm.output.result}", "finishReason": "${a_llm.output.finishReason}"}}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "simple_agent", input: ["prompt": "6*7?"], workflowDef: def))
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.output == ["result": ["answer": 42], "finishReason": "STOP"])
        let request = try #require(llm.requests.first)
        #expect(request.jsonOutput)
        #expect(request.baseURL == "http://127.0.0.1:1")
        #expect(request.thinkingBudgetTokens == 2048)
        #expect(request.messages.last == ChatMessage(role: .user, content: "6*7?"))
    }

    @Test func nonRetryableLLMErrorFailsTheExecution() async throws {
        let llm = ScriptedLLM([.failure(LLMError(message: "Set OPENAI_API_KEY to use openai models"))])
        let engine = try await makeEngine(llm: llm)
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "agent", "tasks": [{"name": "llm_chat_complete", "taskReferenceName": "llm", "type": "LLM_CHAT_COMPLETE",
              "inputParameters": {"llmProvider": "openai", "model": "gpt-4o", "messages": [{"role": "user", "message": "hi"}]}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "agent", workflowDef: def))
        let w = try await engine.waitFor(id)
        #expect(w.status == .failed)
        #expect(w.reasonForIncompletion?.contains("Set OPENAI_API_KEY") == true)
        #expect(llm.requests.count == 1)
    }

    @Test func retryableLLMErrorIsRetried() async throws {
        let llm = ScriptedLLM([
            .failure(LLMError(message: "rate limited", retryable: true, status: 429)),
            .success(ChatResponse(text: "fine", finishReason: "STOP")),
        ])
        let engine = try await makeEngine(llm: llm)
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "agent", "tasks": [{"name": "llm_chat_complete", "taskReferenceName": "llm", "type": "LLM_CHAT_COMPLETE",
              "retryDelaySeconds": 0, "inputParameters": {"llmProvider": "openai", "model": "gpt-4o", "messages": [{"role": "user", "message": "hi"}]}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "agent", workflowDef: def))
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.tasks.map(\.status) == [.failed, .completed])
        #expect(w.tasks.last?.outputData["result"] == "fine")
    }
}
