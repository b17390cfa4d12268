import ArgumentParser
import ConductorClient
import Engine
import AsyncHTTPClient
import Foundation
import Synchronization
import Workflow

/// Event latency (task completion → SSE delivery) and the overhead of a five-tool agent run.
struct EventBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "SSE event latency from a tool task's completion, and start-to-done time of a 5-tool agent run.")

    @Option(help: "Executions for the latency figure.") var executions = 200
    @Option(help: "Runs of the five-tool agent.") var runs = 30
    @Option(help: "SSE clients of the fan-out figure; 0 measures the single-stream figures instead.") var streams = 0
    @Option(help: "SSE clients per execution in the fan-out figure (1: an execution each; --streams: one for all).")
    var perExecution = 1
    @Option(help: "Agent runs kept going at once during the fan-out figure, each calling an instant tool five times.")
    var busy = 4
    @Option(help: "SSE client of the latency figure: ahc (the CLI's AsyncHTTPClient stream) or raw (a blocking socket on a thread of its own).")
    var reader = "ahc"

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

    /// An agent with one tool named `tool`, named `bench_<tool>` unless `name` is given.
    static func agent(_ tool: String, name: String? = nil) -> JSONValue {
        [
            "name": .string(name ?? "bench_\(tool)"), "model": "openai/gpt-4o", "instructions": "Use the tool.",
            "tools": [["name": .string(tool), "description": "Does nothing", "inputSchema": ["type": "object"]]],
        ]
    }

    func run() async throws {
        let server = try await BenchServer.start(llm: InstantModel())
        let http = BenchHTTP(base: server.url)
        let client = AgentClient(serverURL: server.url)
        let worker = Task { try await Self.instantWorker(http) }
        defer { worker.cancel() }
        if streams > 0 {
            try await fanOut(client, http: http)
        } else {
            try await latency(client, http: http)
            try await overhead(client)
        }
        worker.cancel()
        await server.stop()
    }

    /// Completes every bench_tool call the moment it is polled.
    static func instantWorker(_ http: BenchHTTP) async throws {
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
            if reader == "raw" {
                let stream = try RawSSEReader(port: port(of: http), path: "/api/agent/stream/\(id)")
                let task = try await waitForTool(http)
                let sent = clock.now
                _ = try await http.complete(task, output: ["ok": true], v2: false)
                let arrivals = await stream.wait()
                if let arrived = arrivals.first(where: { $0.event == "tool_result" })?.at, i >= 10 { sample.add(arrived - sent) }
                continue
            }
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
        report("event latency (tool task completed → tool_result received over SSE, \(reader) reader)", sample.summary, target: "p50 ≤ 3 ms, p99 ≤ 10 ms")
    }

    private func port(of http: BenchHTTP) -> Int {
        Int(http.base.split(separator: ":").last ?? "") ?? 0
    }

    private func waitForTool(_ http: BenchHTTP) async throws -> ConductorTask {
        while true {
            if let task = try await http.tasks("/api/tasks/poll/batch/bench_tool_manual?count=1&timeout=5000").first { return task }
        }
    }

    /// `streams` SSE clients on `streams / perExecution` executions of five manual tool calls each, while `busy`
    /// other runs keep the engine and the instant worker busy: completion of each call → its tool_result on every
    /// stream.
    private func fanOut(_ client: AgentClient, http: BenchHTTP) async throws {
        let executionCount = max(1, streams / max(1, perExecution))
        let calls = 5
        var ids: [String] = []
        for _ in 0..<executionCount {
            let started = try await client.start(AgentStartRequest(agentConfig: Self.agent("bench_tool_manual"), prompt: "five calls please"))
            if let id = started.executionId { ids.append(id) }
        }
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(30), read: .seconds(300)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = streams + 16
        let sse = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let clock = ContinuousClock()
        let (connected, connectedInput) = AsyncStream<Void>.makeStream()
        let base = http.base
        let readers = (0..<streams).map { i in
            let id = ids[i % ids.count]
            return Task { () -> (String, [ContinuousClock.Instant]) in
                var arrivals: [ContinuousClock.Instant] = []
                var announced = false
                defer { if !announced { connectedInput.yield() } }
                var request = HTTPClientRequest(url: "\(base)/api/agent/stream/\(id)")
                request.headers.add(name: "Accept", value: "text/event-stream")
                let response = try await sse.execute(request, timeout: .seconds(600))
                var parser = SSEParser()
                for try await chunk in response.body {
                    for frame in parser.feed(chunk.readableBytesView) {
                        if frame.event == "thinking", !announced { announced = true; connectedInput.yield() }
                        if frame.event == "tool_result" { arrivals.append(clock.now) }
                    }
                }
                return (id, arrivals)
            }
        }
        var ready = 0
        for await _ in connected {
            ready += 1
            if ready == streams { break }
        }
        let load = (0..<busy).map { _ in
            Task {
                while !Task.isCancelled {
                    let started = try await client.start(AgentStartRequest(agentConfig: Self.agent("bench_tool"), prompt: "five calls please"))
                    guard let id = started.executionId else { continue }
                    for try await _ in client.events(executionID: id) {}
                }
            }
        }
        let sent = Mutex<[String: [ContinuousClock.Instant]]>([:])
        var answered = 0
        while answered < ids.count * calls {
            for task in try await http.tasks("/api/tasks/poll/batch/bench_tool_manual?count=100&timeout=1000") {
                let now = clock.now
                sent.withLock { $0[task.workflowInstanceId, default: []].append(now) }
                _ = try await http.complete(task, output: ["ok": true], v2: false)
                answered += 1
            }
        }
        var sample = Sample()
        for reader in readers {
            let (id, arrivals) = try await reader.value
            let times = sent.withLock { $0[id] ?? [] }
            for (arrived, completed) in zip(arrivals, times) { sample.add(arrived - completed) }
        }
        for task in load { task.cancel() }
        try await sse.shutdown()
        report(
            "SSE fan-out latency, \(streams) streams on \(ids.count) executions, \(busy) busy runs (tool completed → tool_result on each stream)",
            sample.summary)
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
        report("five-tool agent run, instant model and tools, start → done", sample.summary, target: "p50 ≤ 40 ms")
    }
}
