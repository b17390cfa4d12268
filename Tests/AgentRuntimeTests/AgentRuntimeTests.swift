import AgentRuntime
import Engine
import Foundation
import Logging
import Server
import Testing
import Workflow

/// The Swift library of the seed: run, stream, start + AgentHandle, serve — against a real in-process server.
@Suite struct AgentRuntimeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let spec = root.appendingPathComponent("specs/ops_agent.yaml").path
    static let prompt = "The payments service is throwing 503s. Investigate and fix it."

    /// Starts a server answering from the ops cassette; returns its URL and a way to stop it.
    static func server(cassette: String = "specs/ops_agent.cassette.yaml") async throws -> (url: String, stop: @Sendable () async -> Void) {
        var logger = Logger(label: "test.runtime")
        logger.logLevel = .critical
        let llm = try CassetteProvider(contentsOf: root.appendingPathComponent(cassette))
        let server = try AgentspancServer(configuration: .init(port: 0, llm: llm, logger: logger))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run(onListening: { continuation.yield($0); continuation.finish() }) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return ("http://127.0.0.1:\(port)", { task.cancel(); _ = try? await task.value })
    }

    @Test func runReturnsTheAnswerAndStreamShowsEveryStep() async throws {
        let (url, stop) = try await Self.server()
        defer { Task { await stop() } }
        let runtime = AgentRuntime(serverURL: url)
        let agent = try Agent.load(path: Self.spec)
        let worker = try await runtime.serve(agent, blocking: false)
        defer { Task { await worker.stop() } }

        let result = try await runtime.run(agent, Self.prompt)
        #expect(result.isSuccess)
        #expect(result.text.hasPrefix("Root cause: database pressure"))

        var events: [AgentEvent] = []
        for try await event in runtime.stream(agent, Self.prompt) { events.append(event) }
        #expect(events.first?.type == .thinking)
        #expect(events.first?.content?.hasPrefix("The payments service is throwing 503s.") == true)
        // The third turn calls two tools at once: they finish in either order.
        let calls = events.filter { $0.type == .toolCall }.compactMap(\.toolName)
        #expect(calls.count == 5)
        #expect(Array(calls.prefix(2)) == ["check_service", "get_recent_logs"])
        #expect(calls[2...3].sorted() == ["check_service", "get_recent_logs"])
        #expect(calls.last == "restart_service")
        #expect(events.last?.type == .done)
        let rendered = events.compactMap { EventRenderer().render($0) }
        #expect(rendered.contains(" [tool_call] check_service({'service_name': 'payments'})"))
    }

    @Test func startThenAttachFromAnotherRuntime() async throws {
        let (url, stop) = try await Self.server()
        defer { Task { await stop() } }
        let agent = try Agent.load(path: Self.spec)
        // Started with no worker: the execution waits at its first tool call.
        let handle = try await AgentRuntime(serverURL: url).start(agent, Self.prompt)
        let status = try await handle.status()
        #expect(status.isRunning)
        await #expect(throws: AgentHandle.TimeoutError.self) { try await handle.result(timeout: .milliseconds(300)) }

        // Another runtime (another process, in real life) serves the tools and attaches by id.
        let other = AgentRuntime(serverURL: url)
        let worker = try await other.serve(agent)
        defer { Task { await worker.stop() } }
        var types: [AgentEvent.EventType] = []
        for try await event in AgentHandle(executionID: handle.executionID, runtime: other).stream() { types.append(event.type) }
        #expect(types.first == .thinking)
        #expect(types.last == .done)
        #expect(types.filter { $0 == .toolResult }.count == 5)
        let result = try await handle.result()
        #expect(result.status == .completed)
    }

    @Test func serveAlsoRunsTheSystemWorkersOfAStrategy() async throws {
        // The swarm has no tools of its own: only the transfer tools and handoff checks its strategy calls.
        let (url, stop) = try await Self.server(cassette: "specs/examples/swarm.cassette.yaml")
        defer { Task { await stop() } }
        let runtime = AgentRuntime(serverURL: url)
        let agent = try Agent.load(path: Self.root.appendingPathComponent("specs/examples/swarm.yaml").path)
        let tasks = try AgentRuntime.workerTasks(of: [agent])
        #expect(tasks.bound.isEmpty)
        #expect(!tasks.systemWorkers.isEmpty)
        let worker = try await runtime.serve(agent)
        defer { Task { await worker.stop() } }
        #expect(worker.worker.taskNames.contains("helpdesk_swarm_transfer_to_tech"))

        let handle = try await runtime.start(agent, "The dashboard is down since this morning.")
        let result = try await handle.result(timeout: .seconds(60))
        #expect(result.isSuccess, "\(result.reason ?? "")")
        #expect(result.text == "The outage is fixed and your refund for the downtime is issued.")
    }

    @Test func aRejectedRunIsSuccessfulButRejected() {
        let rejected = AgentResult(
            executionID: "e", status: .completed, output: ["finishReason": "rejected", "rejectionReason": "not now"])
        #expect(rejected.isSuccess && rejected.isRejected)
        let fromWorkflowOutput = AgentResult(
            executionID: "e", status: .completed, output: ["finishReason": "TOOL_CALLS", "rejectionReason": "no"])
        #expect(fromWorkflowOutput.isRejected)
        #expect(!AgentResult(executionID: "e", status: .completed, output: ["finishReason": "STOP", "rejectionReason": ""]).isRejected)
        #expect(!AgentResult(executionID: "e", status: .failed, output: ["rejectionReason": "x"]).isRejected)
    }

    @Test func theDoneLineSaysWhenAPersonRejectedAStep() {
        let wire = AgentStreamEvent(
            id: 9, type: .done, executionId: "e", timestamp: 0,
            output: ["result": "I will restart payments.", "finishReason": "rejected", "rejectionReason": "not now"])
        #expect(EventRenderer().render(AgentEvent(wire)) == "\n [done] rejected: not now\nI will restart payments.")
        let plain = AgentStreamEvent(id: 9, type: .done, executionId: "e", timestamp: 0, output: ["result": "Fixed."])
        #expect(EventRenderer().render(AgentEvent(plain)) == "\n [done]\nFixed.")
    }

    @Test func toolBindingsStayLocal() throws {
        let agent = try Agent.load(path: Self.spec)
        #expect(agent.config.tools.first?.run != nil, "the local config keeps the binding for serve()")
        #expect(agent.wireConfig["tools"].arrayValue?.allSatisfy { $0["run"] == .null } == true)
        #expect(agent.wireConfig["tools"].arrayValue?.count == 3)
    }

    @Test func specErrorsAreLocated() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try "name: x\nmodel: openai/gpt-4o\nnmae: typo\n".write(to: file, atomically: true, encoding: .utf8)
        #expect {
            _ = try Agent.load(path: file.path)
        } throws: { error in
            "\(error)".contains(":3:1: error:") && "\(error)".contains("did you mean 'name'")
        }
    }
}
