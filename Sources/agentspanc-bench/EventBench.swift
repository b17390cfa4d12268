import ArgumentParser
import ConductorClient
import Engine
import Foundation
import Workflow

/// Event latency (task completion → SSE delivery) and the overhead of a five-tool agent run.
struct EventBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "SSE event latency from a tool task's completion, and start-to-done time of a 5-tool agent run.")

    @Option(help: "Executions for the latency figure.") var executions = 200
    @Option(help: "Runs of the five-tool agent.") var runs = 30

    /// An instant model: turn N calls the tool, until `tools` calls were made, then answers.
    struct InstantModel: LLMProvider {
        func complete(_ request: ChatRequest) async throws -> ChatResponse {
            let turn = request.messages.filter { $0.role == .assistant }.count
            let wanted = request.messages.first { $0.role == .user }?.content.contains("five") == true ? 5 : 1
            if turn < wanted {
                return ChatResponse(
                    text: "Calling the tool (\(turn + 1)).",
                    toolCalls: [ToolCall(id: "call_\(turn)", name: request.tools.first?.name ?? "bench_tool", arguments: ["n": .int(turn)])],
                    finishReason: "TOOL_CALLS")
            }
            return ChatResponse(text: "Done.", finishReason: "STOP")
        }
    }

    /// An agent with one tool named `tool`.
    static func agent(_ tool: String) -> JSONValue {
        [
            "name": .string("bench_\(tool)"), "model": "openai/gpt-4o", "instructions": "Use the tool.",
            "tools": [["name": .string(tool), "description": "Does nothing", "inputSchema": ["type": "object"]]],
        ]
    }

    func run() async throws {
        let server = try await BenchServer.start(llm: InstantModel())
        let http = BenchHTTP(base: server.url)
        let client = AgentClient(serverURL: server.url)
        let worker = Task { try await instantWorker(http) }
        defer { worker.cancel() }
        try await latency(client, http: http)
        try await overhead(client)
        worker.cancel()
        await server.stop()
    }

    /// Completes every bench_tool call the moment it is polled.
    private func instantWorker(_ http: BenchHTTP) async throws {
        while !Task.isCancelled {
            var next = try await http.tasks("/api/tasks/poll/batch/bench_tool?count=1&timeout=1000").first
            while let task = next { next = try await http.complete(task, output: ["ok": true], v2: true) }
        }
    }

    private func latency(_ client: AgentClient, http: BenchHTTP) async throws {
        var sample = Sample()
        let clock = ContinuousClock()
        for i in 0..<(executions + 10) {
            let started = try await client.start(AgentStartRequest(agentConfig: Self.agent("bench_tool_manual"), prompt: "one call please"))
            guard let id = started.executionId else { continue }
            // Wait for the execution to reach its tool call, then time the completion → tool_result delivery.
            let stream = client.events(executionID: id)
            let arrival = Task { () -> ContinuousClock.Instant? in
                for try await event in stream where event.type == .toolResult { return clock.now }
                return nil
            }
            let task = try await waitForTool(http)
            let sent = clock.now
            _ = try await http.complete(task, output: ["ok": true], v2: false)
            if let arrived = try await arrival.value, i >= 10 { sample.add(arrived - sent) }
            for try await _ in client.events(executionID: id) {}
        }
        report("event latency (tool task completed → tool_result received over SSE)", sample.summary, target: "p99 ≤ 50 ms")
    }

    private func waitForTool(_ http: BenchHTTP) async throws -> ConductorTask {
        while true {
            if let task = try await http.tasks("/api/tasks/poll/batch/bench_tool_manual?count=1&timeout=5000").first { return task }
        }
    }

    private func overhead(_ client: AgentClient) async throws {
        var sample = Sample()
        let clock = ContinuousClock()
        for i in 0..<(runs + 3) {
            let began = clock.now
            let started = try await client.start(AgentStartRequest(agentConfig: Self.agent("bench_tool"), prompt: "five calls please"))
            guard let id = started.executionId else { continue }
            var done = false
            for try await event in client.events(executionID: id) where event.type == .done { done = true }
            if done, i >= 3 { sample.add(clock.now - began) }
        }
        report("five-tool agent run, instant model and tools, start → done", sample.summary, target: "≤ 100 ms overhead")
    }
}
