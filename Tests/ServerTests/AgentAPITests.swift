import AsyncHTTPClient
import NIOHTTP1
import ConductorClient
import Engine
import Foundation
import Server
import Testing
import Workflow

/// The agent API: start a tool agent, act as its worker, and read its events over SSE.
@Suite struct AgentAPITests {
    static let agent: JSONValue = [
        "name": "weather", "model": "openai/gpt-4o", "instructions": "Answer with the tool.",
        "tools": [[
            "name": "get_weather", "description": "Weather of a city",
            "inputSchema": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
        ]],
    ]

    static let llm = ScriptedLLM(turns: [
        ChatResponse(text: "Let me look that up.", toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])],
                     finishReason: "TOOL_CALLS", promptTokens: 10, completionTokens: 5),
        ChatResponse(text: "It is 21°C in Paris.", finishReason: "STOP", promptTokens: 20, completionTokens: 7),
    ])

    @Test func startedAgentStreamsThinkingToolCallToolResultDone() async throws {
        let server = try await TestServer.start(llm: Self.llm)
        defer { Task { await server.stop() } }
        let client = AgentClient(serverURL: server.url)
        let started = try await client.start(AgentStartRequest(agentConfig: Self.agent, prompt: "Weather in Paris?"))
        let id = try #require(started.executionId)
        #expect(started.agentName == "weather")

        let worker = Task {
            let tasks: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/get_weather?timeout=5000")
            let task = try #require(tasks.first)
            #expect(task.inputData["city"] == "Paris")
            let result = TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .completed,
                                    outputData: ["temperature": "21°C"])
            _ = try await server.request(.POST, "/api/tasks", body: try JSONValue.from(result).jsonText())
        }
        var events: [AgentStreamEvent] = []
        for try await event in client.events(executionID: id) { events.append(event) }
        try await worker.value

        #expect(events.map(\.type) == [.thinking, .toolCall, .toolResult, .done])
        #expect(events.map(\.id) == [1, 2, 3, 4])
        #expect(events[0].content == "Let me look that up.")
        #expect(events[1].toolName == "get_weather")
        #expect(events[1].args == ["city": "Paris"], "internal keys are stripped from the arguments")
        #expect(events[2].result == ["temperature": "21°C"])
        #expect(events.last?.output?["result"] == "It is 21°C in Paris.")

        // Reconnecting after event 2 replays only what followed; a finished stream closes.
        var resumed: [Int] = []
        for try await event in client.events(executionID: id, after: 2) { resumed.append(event.id) }
        #expect(resumed == [3, 4])

        let status = try await client.status(executionID: id)
        #expect(status.isComplete)
        #expect(status.output?["result"] == "It is 21°C in Paris.")
    }

    @Test func startValidatesItsInput() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (noPrompt, body) = try await server.request(.POST, "/api/agent/start", body: #"{"agentConfig":{"name":"a","model":"openai/gpt-4o"}}"#)
        #expect(noPrompt == 400)
        #expect(body.contains("non-empty prompt"))
        let (noConfig, _) = try await server.request(.POST, "/api/agent/start", body: #"{"prompt":"hi"}"#)
        #expect(noConfig == 400)
        let (unknown, _) = try await server.request(.GET, "/api/agent/nope/status")
        #expect(unknown == 404)
        let (streamUnknown, _) = try await server.request(.GET, "/api/agent/stream/nope")
        #expect(streamUnknown == 404)
    }

    @Test func missingProviderFailsTheExecutionWithTheVariableToSet() async throws {
        let server = try await TestServer.start(llm: ProviderRouter(environment: [:]))
        defer { Task { await server.stop() } }
        let client = AgentClient(serverURL: server.url)
        let started = try await client.start(AgentStartRequest(agentConfig: Self.agent, prompt: "Weather in Paris?"))
        let id = try #require(started.executionId)
        var last: AgentStreamEvent?
        for try await event in client.events(executionID: id) { last = event }
        #expect(last?.type == .error)
        #expect(last?.content?.contains("OPENAI_API_KEY") == true, "\(String(describing: last))")
    }
}
