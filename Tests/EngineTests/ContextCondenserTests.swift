import Testing
import Workflow

@testable import Engine

/// Histories that outgrow the context window keep their static part and the five most recent exchanges.
@Suite struct ContextCondenserTests {
    static let staticMessages: [JSONValue] = [
        ["role": "system", "message": "You are an operations agent."],
        ["role": "user", "message": "Investigate the 503s."],
    ]

    /// `count` exchanges: a tool call each, answered by a result of `size` characters.
    static func exchanges(_ count: Int, size: Int) -> [JSONValue] {
        (1...count).flatMap { i -> [JSONValue] in
            [
                ["role": "tool_call", "message": "", "toolCalls": [[
                    "name": "get_logs", "taskReferenceName": .string("call_\(i)"),
                    "inputParameters": ["service": .string("svc\(i)"), "method": "get_logs"],
                ]]],
                ["role": "tool", "message": .string("line \(i): " + String(repeating: "x", count: size)),
                 "toolCallId": .string("call_\(i)"), "name": "get_logs"],
            ]
        }
    }

    @Test func oldExchangesBecomeOneSummaryAndTheRecentFiveStay() throws {
        var messages = Self.staticMessages + Self.exchanges(8, size: 400) + [["role": "assistant", "message": "Almost there."]]
        let condenser = ContextCondenser(contextWindow: 1_200, maxTokens: 200)
        let info = try #require(condenser.condense(&messages, staticCount: 2))

        #expect(info["exchangesCondensed"] == 4)
        #expect(info["messagesBefore"] == 19)
        #expect(info["messagesAfter"] == 12, "static 2, the summary, four calls with results and the last answer")
        #expect(info["trigger"] == "proactive (exceeds context window)")
        #expect(Array(messages.prefix(2)) == Self.staticMessages)
        let summary = try #require(messages[2]["message"].stringValue)
        #expect(messages[2]["role"] == "assistant")
        #expect(summary.hasPrefix("[Earlier conversation condensed: 4 earlier exchanges]"))
        #expect(summary.contains(#"- called get_logs({"service":"svc1"}) → line 1: xxx"#))
        #expect(!summary.contains("svc5"))
        // The recent exchanges are untouched, each call still followed by its result.
        #expect(messages[3]["toolCalls"].arrayValue?.first?["taskReferenceName"] == "call_5")
        #expect(messages[4]["toolCallId"] == "call_5")
        #expect(messages.last?["message"] == "Almost there.")
    }

    @Test func aHistoryThatFitsOrHasFewExchangesIsLeftAlone() {
        var fits = Self.staticMessages + Self.exchanges(8, size: 10)
        let before = fits
        #expect(ContextCondenser(contextWindow: 128_000, maxTokens: 4_096).condense(&fits, staticCount: 2) == nil)
        #expect(fits == before)

        var few = Self.staticMessages + Self.exchanges(5, size: 5_000)
        let original = few
        #expect(ContextCondenser(contextWindow: 1_000, maxTokens: 100).condense(&few, staticCount: 2) == nil)
        #expect(few == original)
    }

    /// The window comes from the LLM task's input, or else from the engine's configuration.
    @Test(arguments: [true, false])
    func theEngineCondensesTheHistoryOfALongToolLoopAndSaysSo(windowInInput: Bool) async throws {
        let big = String(repeating: "log line ", count: 120)
        var responses = (1...7).map { i in
            ChatResponse(text: "", toolCalls: [ToolCall(id: "call_\(i)", name: "search", arguments: ["query": .string("q\(i)")])],
                         finishReason: "TOOL_CALLS")
        }
        responses.append(ChatResponse(text: "Done.", finishReason: "STOP"))
        let llm = ScriptedLLM(responses: responses)
        let engine = try await makeEngine(llm: llm, contextWindow: windowInInput ? nil : 1500)
        defer { Task { await engine.shutdown() } }
        let json = ToolAgentFixture.json.replacingOccurrences(
            of: #""maxTokens": 16384"#, with: windowInInput ? #""maxTokens": 200, "contextWindow": 1500"# : #""maxTokens": 200"#)
        let def = try JSONValue.parse(json).decode(WorkflowDef.self)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "weather_agent", input: ["prompt": "Go."], workflowDef: def))
        for _ in 1...7 {
            try await engine.complete(try await engine.pollOne("search"), ["result": .string(big)])
        }
        let workflow = try await engine.waitFor(id)
        #expect(workflow.status == .completed)

        let last = try #require(llm.requests.last)
        #expect(last.messages.contains { $0.role == .assistant && $0.content.hasPrefix("[Earlier conversation condensed:") })
        #expect(last.messages.filter { $0.role == .tool }.count == 5)
        let llmTasks = workflow.tasks.filter { $0.taskType == "LLM_CHAT_COMPLETE" }
        let condensed = llmTasks.compactMap { $0.inputData["contextCondensed"]?["exchangesCondensed"].intValue }
        #expect(condensed.last == 2, "\(condensed)")
        #expect(llmTasks.first?.inputData["contextCondensed"] == nil)
    }
}
