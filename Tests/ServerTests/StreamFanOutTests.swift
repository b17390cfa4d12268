import AsyncHTTPClient
import ConductorClient
import Engine
import Foundation
import NIOCore
import Testing
import Workflow

/// Many SSE subscribers of the same executions: each receives every event once, in order, including those
/// derived while all of them are connected.
@Suite struct StreamFanOutTests {
    /// Two tool calls, then the answer: 7 events (thinking, tool_call, tool_result twice, thinking … done).
    static let llm = ScriptedLLM(turns: [
        ChatResponse(text: "First look.", toolCalls: [ToolCall(id: "c1", name: "get_weather", arguments: ["city": "Paris"])], finishReason: "TOOL_CALLS"),
        ChatResponse(text: "Once more.", toolCalls: [ToolCall(id: "c2", name: "get_weather", arguments: ["city": "Lyon"])], finishReason: "TOOL_CALLS"),
        ChatResponse(text: "Done.", finishReason: "STOP"),
    ])

    /// One SSE connection read to its end: `(id, event type)` of every frame.
    static func read(
        _ http: HTTPClient, _ url: String, onEvent: @Sendable (Int, String) -> Void
    ) async throws -> [(Int, String)] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await http.execute(request, timeout: .seconds(300))
        #expect(response.status == .ok)
        var parser = SSEParser()
        var seen: [(Int, String)] = []
        for try await chunk in response.body {
            for frame in parser.feed(chunk.readableBytesView) {
                guard let id = frame.id.flatMap({ Int($0) }), let type = frame.event else { continue }
                seen.append((id, type))
                onEvent(id, type)
            }
        }
        return seen
    }

    @Test func twoHundredStreamsEachReceiveEveryEventExactlyOnce() async throws {
        let server = try await TestServer.start(llm: Self.llm)
        defer { Task { await server.stop() } }
        let client = AgentClient(serverURL: server.url)
        var executions: [String] = []
        for _ in 0..<4 {
            let started = try await client.start(AgentStartRequest(agentConfig: AgentAPITests.agent, prompt: "Weather?"))
            executions.append(try #require(started.executionId))
        }
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(30), read: .seconds(120)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 512
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

        // Every stream says when it has its first event (the model's first turn); only then does the worker answer,
        // so every later event (a tool's call and result come when it ends) is delivered live to all 200 at once.
        let streams = 200
        let (ready, readyInput) = AsyncStream<Void>.makeStream()
        let ids = executions
        let readers = (0..<streams).map { i in
            Task {
                do {
                    return try await Self.read(http, "\(server.url)/api/agent/stream/\(ids[i % ids.count])") { id, _ in
                        if id == 1 { readyInput.yield() }
                    }
                } catch {
                    readyInput.yield()
                    throw error
                }
            }
        }
        var announced = 0
        for await _ in ready {
            announced += 1
            if announced == streams { break }
        }
        let worker = Task {
            var answered = 0
            while answered < executions.count * 2 {
                let tasks: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/get_weather?count=10&timeout=1000")
                for task in tasks {
                    let result = TaskResult(
                        workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .completed, outputData: ["t": "21°C"])
                    _ = try await server.request(.POST, "/api/tasks", body: try JSONValue.from(result).jsonText())
                    answered += 1
                }
            }
        }
        let expected = ["thinking", "tool_call", "tool_result", "thinking", "tool_call", "tool_result", "done"]
        for reader in readers {
            let seen = try await reader.value
            #expect(seen.map(\.0) == Array(1...expected.count), "\(seen)")
            #expect(seen.map(\.1) == expected, "\(seen)")
        }
        try await worker.value
        readyInput.finish()
        try await http.shutdown()
    }
}
