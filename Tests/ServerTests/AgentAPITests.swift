import AsyncHTTPClient
import NIOHTTP1
import ConductorClient
import Engine
import Foundation
import Server
import TestSupport
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

    @Test func aStatefulRunRoutesItsStatefulToolsToTheRunsDomain() async throws {
        var agent = Self.agent.objectValue ?? [:]
        var tool = agent["tools"]?.arrayValue?.first?.objectValue ?? [:]
        tool["stateful"] = true
        agent["tools"] = [.object(tool)]
        let server = try await TestServer.start(llm: Self.llm)
        defer { Task { await server.stop() } }
        let client = AgentClient(serverURL: server.url)
        var request = AgentStartRequest(agentConfig: .object(agent), prompt: "Weather in Paris?")
        request.runId = "run7f3a"
        let id = try #require(try await client.start(request).executionId)

        // The default queue stays empty; the run's domain gets the call.
        let undomained: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/get_weather?timeout=300")
        #expect(undomained.isEmpty)
        let tasks: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/get_weather?timeout=5000&domain=run7f3a")
        let task = try #require(tasks.first)
        #expect(task.domain == "run7f3a")
        let result = TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .completed,
                                outputData: ["temperature": "21°C"])
        _ = try await server.request(.POST, "/api/tasks", body: try JSONValue.from(result).jsonText())
        var last: AgentStreamEvent?
        for try await event in client.events(executionID: id) { last = event }
        #expect(last?.type == .done)
        let execution: WorkflowExecution = try await server.json(.GET, "/api/workflow/\(id)?includeTasks=false")
        #expect(execution.taskToDomain == ["get_weather": "run7f3a"])
    }

    @Test func requiredWorkersNameTheSwarmsTransferTools() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let swarm: JSONValue = [
            "name": "support", "model": "openai/gpt-4o", "strategy": "swarm",
            "agents": [["name": "billing", "model": "openai/gpt-4o"], ["name": "tech", "model": "openai/gpt-4o"]],
        ]
        let compiled = try await AgentClient(serverURL: server.url).compile(AgentStartRequest(agentConfig: swarm))
        #expect(compiled.requiredWorkers == [
            "support_check_transfer", "billing_check_transfer", "tech_check_transfer", "support_handoff_check",
            "support_transfer_to_billing", "support_transfer_to_tech", "billing_transfer_to_support",
            "billing_transfer_to_tech", "tech_transfer_to_support", "tech_transfer_to_billing",
        ])
    }

    @Test func anMCPToolIsDiscoveredCalledAndStreamed() async throws {
        let mcp = try await MCPTestServer.start()
        defer { mcp.stop() }
        let agent: JSONValue = [
            "name": "support", "model": "openai/gpt-4o", "instructions": "Answer order questions with the order tools.",
            "tools": [["name": "orders", "toolType": "mcp", "config": ["server_url": .string(mcp.url)]]],
        ]
        let llm = ScriptedLLM(turns: [
            ChatResponse(text: "Looking it up.", toolCalls: [ToolCall(id: "call_1", name: "lookup_order", arguments: ["order_id": "A-1"])],
                         finishReason: "TOOL_CALLS"),
            ChatResponse(text: "Order A-1 has shipped.", finishReason: "STOP"),
        ])
        let server = try await TestServer.start(llm: llm)
        defer { Task { await server.stop() } }
        let client = AgentClient(serverURL: server.url)
        let id = try #require(try await client.start(AgentStartRequest(agentConfig: agent, prompt: "Where is order A-1?")).executionId)
        var events: [AgentStreamEvent] = []
        for try await event in client.events(executionID: id) { events.append(event) }

        #expect(events.map(\.type) == [.thinking, .toolCall, .toolResult, .done], "\(events)")
        #expect(events[1].toolName == "lookup_order")
        #expect(events[1].args == ["order_id": "A-1"])
        #expect(events.last?.output?["result"] == "Order A-1 has shipped.")
        #expect(mcp.toolCalls.map { $0["name"] } == ["lookup_order"])
        #expect(mcp.toolCalls.first?["arguments"] == ["order_id": "A-1"])
    }

    @Test func aToolGuardrailThatNeverRanDoesNotBreakTheLoop() async throws {
        var agent = Self.agent.objectValue ?? [:]
        var tool = agent["tools"]?.arrayValue?.first?.objectValue ?? [:]
        tool["guardrails"] = [["name": "no_secrets", "guardrailType": "regex", "patterns": ["password"], "onFail": "raise"]]
        agent["tools"] = [.object(tool)]
        let server = try await TestServer.start(llm: ScriptedLLM(turns: [ChatResponse(text: "No tool needed: 21°C.", finishReason: "STOP")]))
        defer { Task { await server.stop() } }
        let client = AgentClient(serverURL: server.url)
        let started = try await client.start(AgentStartRequest(agentConfig: .object(agent), prompt: "Weather in Paris?"))
        let id = try #require(started.executionId)
        var last: AgentStreamEvent?
        for try await event in client.events(executionID: id) { last = event }
        #expect(last?.type == .done, "\(String(describing: last))")
        #expect(last?.output?["result"] == "No tool needed: 21°C.")
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
