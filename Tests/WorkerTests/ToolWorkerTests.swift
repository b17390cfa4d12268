import AgentSpec
import AsyncHTTPClient
import ConductorClient
import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing
import Workflow
@testable import Worker

/// Doubles its input; sleeps when asked, to keep a slot busy.
struct Doubler: Tool {
    struct Input: Decodable, Sendable {
        var n: Int
        var sleepMilliseconds: Int?
    }

    static let name = "double"
    static let inputSchema: JSONValue? = [
        "type": "object", "properties": ["n": ["type": "integer"], "sleepMilliseconds": ["type": "integer"]], "required": ["n"],
    ]

    func call(_ input: Input, context: ToolContext) async throws -> [String: Int] {
        if let sleep = input.sleepMilliseconds { try await Task.sleep(for: .milliseconds(sleep)) }
        return ["doubled": input.n * 2]
    }
}

@Suite(.serialized) struct ToolWorkerTests {
    func configuration(_ change: (inout ToolWorker.Configuration) -> Void = { _ in }) -> ToolWorker.Configuration {
        var configuration = ToolWorker.Configuration(
            workerID: "test-worker", concurrency: 4, pollTimeoutMilliseconds: 200, shutdownGracePeriod: .seconds(2),
            maxBackoff: .milliseconds(200))
        change(&configuration)
        return configuration
    }

    func waitForResults(_ server: FakeConductor, _ count: Int, timeout: Duration = .seconds(60)) async -> [TaskResult] {
        _ = await eventually(timeout: timeout) { await server.state.results.count >= count }
        return await server.state.results
    }

    @Test func commandAndSwiftToolsAreServedAndReportedWithUpdateV2() async throws {
        let server = try await FakeConductor()
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "greet.sh", "#!/bin/sh\nprintf '{\"greeting\":\"hello %s\"}' \"$1\"\n")
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: server.baseURL + "/api", apiKey: "key-1"), tools: [Doubler()],
            commandTools: [
                WorkerToolDefinition(
                    name: "greet", inputSchema: ["type": "object", "properties": ["who": ["type": "string"]]],
                    binding: ToolBinding(command: ["./greet.sh", "{who}"]), baseDirectory: dir),
                WorkerToolDefinition(
                    name: "send_mail", binding: ToolBinding(command: ["true"], idempotent: false), baseDirectory: dir),
            ],
            configuration: configuration())
        #expect(worker.taskNames == ["double", "greet", "send_mail"])
        await server.state.enqueue((1...12).map { FakeConductor.task("double", $0, input: ["n": .int($0)]) })
        await server.state.enqueue((1...5).map { FakeConductor.task("greet", $0, input: ["who": .string("ops \($0)"), "_agent_state": [:]]) })
        let running = Task { try await worker.run() }
        let results = await waitForResults(server, 17)
        worker.shutdown()
        try await running.value
        await server.stop()

        #expect(results.count == 17)
        #expect(results.allSatisfy { $0.status == .completed && $0.workerId == "test-worker" })
        #expect(await server.state.v2Updates == 17)
        for n in 1...12 {
            #expect(results.first { $0.taskId == "double#\(n)" }?.outputData == ["doubled": .int(n * 2)])
        }
        #expect(results.first { $0.taskId == "greet#3" }?.outputData == ["greeting": "hello ops 3"])
        let defs = await server.state.taskDefs
        #expect(Set(defs.map(\.name)) == ["double", "greet", "send_mail"])
        #expect(defs.allSatisfy { $0.responseTimeoutSeconds == 30 })
        #expect(defs.first { $0.name == "send_mail" }?.retryCount == 0)
        #expect(defs.first { $0.name == "greet" }?.retryCount == 2)
        let polls = await server.state.polls
        #expect(polls.allSatisfy { $0.count >= 1 && $0.count <= 4 && $0.workerID == "test-worker" })
        #expect(await server.state.authorizations.allSatisfy { $0 == "key-1" })
    }

    @Test func fallsBackToPostTasksWhenUpdateV2IsMissing() async throws {
        let server = try await FakeConductor()
        await server.state.setUpdateV2(false)
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: server.baseURL), tools: [Doubler()], configuration: configuration())
        await server.state.enqueue((1...6).map { FakeConductor.task("double", $0, input: ["n": .int($0)]) })
        let running = Task { try await worker.run() }
        let results = await waitForResults(server, 6)
        worker.shutdown()
        try await running.value
        await server.stop()
        #expect(results.count == 6)
        #expect(await server.state.v1Updates == 6)
    }

    @Test func respectsConcurrencyAndDomain() async throws {
        let server = try await FakeConductor()
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: server.baseURL), tools: [Doubler()],
            configuration: configuration { $0.concurrency = 2; $0.domain = "run-42" })
        await server.state.enqueue((1...6).map { FakeConductor.task("double", $0, input: ["n": 1, "sleepMilliseconds": 300]) })
        let started = ContinuousClock.now
        let running = Task { try await worker.run() }
        _ = await waitForResults(server, 6)
        let elapsed = ContinuousClock.now - started
        worker.shutdown()
        try await running.value
        await server.stop()
        // Six 300 ms tools, two at a time: at least three rounds.
        #expect(elapsed >= .milliseconds(900))
        let polls = await server.state.polls
        #expect(polls.allSatisfy { $0.count <= 2 && $0.domain == "run-42" })
    }

    @Test func longToolsExtendTheirLease() async throws {
        let server = try await FakeConductor()
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: server.baseURL), tools: [Doubler()], configuration: configuration())
        await server.state.enqueue([FakeConductor.task("double", 1, input: ["n": 1, "sleepMilliseconds": 2600], responseTimeout: 2)])
        let running = Task { try await worker.run() }
        let results = await waitForResults(server, 1)
        worker.shutdown()
        try await running.value
        await server.stop()
        #expect(results.first?.status == .completed)
        // responseTimeoutSeconds 2 → a heartbeat every second while the tool runs 2.6 s.
        #expect(await server.state.heartbeats["double#1"] ?? 0 >= 2)
    }

    @Test func retriesResultDeliveryThroughAServerBlip() async throws {
        let server = try await FakeConductor()
        await server.state.rejectUpdates(4)
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: server.baseURL), tools: [Doubler()], configuration: configuration())
        await server.state.enqueue([FakeConductor.task("double", 1, input: ["n": 21])])
        let running = Task { try await worker.run() }
        let results = await waitForResults(server, 1)
        worker.shutdown()
        try await running.value
        await server.stop()
        #expect(results.map(\.outputData) == [["doubled": 42]])
    }

    @Test func backsOffWhileTheServerIsDownAndRecoversWhenItReturns() async throws {
        let probe = try await FakeConductor()
        let port = probe.port
        await probe.stop()
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: "http://127.0.0.1:\(port)"), tools: [Doubler()], configuration: configuration())
        let running = Task { try await worker.run() }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(worker.metrics.pollErrors >= 2)
        let server = try await FakeConductor(port: port)
        await server.state.enqueue([FakeConductor.task("double", 7, input: ["n": 7])])
        let results = await waitForResults(server, 1)
        worker.shutdown()
        try await running.value
        await server.stop()
        #expect(results.first?.outputData == ["doubled": 14])
        #expect(await server.state.taskDefs.map(\.name) == ["double"])
    }

    @Test func gracefulShutdownLetsShortToolsFinishAndFailsTheRestForRetry() async throws {
        let server = try await FakeConductor()
        let dir = try makeTemporaryDirectory()
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: server.baseURL), tools: [Doubler()],
            commandTools: [WorkerToolDefinition(name: "slow", binding: ToolBinding(command: ["sleep", "60"]), baseDirectory: dir)],
            configuration: configuration { $0.shutdownGracePeriod = .seconds(1) })
        await server.state.enqueue([FakeConductor.task("double", 1, input: ["n": 5, "sleepMilliseconds": 400])])
        await server.state.enqueue([FakeConductor.task("slow", 1)])
        let running = Task { try await worker.run() }
        _ = await eventually { await server.state.queues.values.allSatisfy(\.isEmpty) }
        try await Task.sleep(for: .milliseconds(100))
        let stopping = ContinuousClock.now
        worker.shutdown()
        try await running.value
        let stopTime = ContinuousClock.now - stopping
        let results = await server.state.results
        await server.stop()
        #expect(stopTime < .seconds(30), "bounded by the 1 s grace period, not by the 60 s tool")
        #expect(results.first { $0.taskId == "double#1" }?.status == .completed)
        let slow = results.first { $0.taskId == "slow#1" }
        #expect(slow?.status == .failed)
        #expect(slow?.reasonForIncompletion?.contains("shutting down") == true)
    }

    /// Appends one line per start to `runs`, then takes a minute: a side effect that must happen once.
    static let sideEffectScript = "#!/bin/sh\necho \"$AGENTSPAN_TASK_ID\" >> runs\nsleep 60\n"

    func lines(_ path: String) -> [Substring] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
    }

    @Test func aNonIdempotentToolInterruptedByShutdownIsReportedTerminallyAndAnIdempotentOneForRetry() async throws {
        let server = try await FakeConductor()
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "charge.sh", Self.sideEffectScript)
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: server.baseURL),
            commandTools: [
                WorkerToolDefinition(
                    name: "charge", binding: ToolBinding(command: ["./charge.sh"], idempotent: false), baseDirectory: dir),
                WorkerToolDefinition(name: "lookup", binding: ToolBinding(command: ["sleep", "60"]), baseDirectory: dir),
            ],
            configuration: configuration { $0.shutdownGracePeriod = .seconds(1) })
        await server.state.enqueue([FakeConductor.task("charge", 1), FakeConductor.task("lookup", 1)])
        let running = Task { try await worker.run() }
        #expect(await eventually(timeout: .seconds(20)) { lines(dir + "/runs").count == 1 })
        #expect(await eventually { await server.state.queues.values.allSatisfy(\.isEmpty) })
        worker.shutdown()
        try await running.value
        let results = await server.state.results
        await server.stop()
        let charge = try #require(results.first { $0.taskId == "charge#1" })
        #expect(charge.status == .failedWithTerminalError)
        #expect(charge.reasonForIncompletion?.contains("interrupted while running") == true)
        #expect(charge.reasonForIncompletion?.contains("not idempotent, so it is not run again") == true)
        #expect(results.first { $0.taskId == "lookup#1" }?.status == .failed)
        #expect(lines(dir + "/runs") == ["charge#1"])
    }

    @Test func registeredTaskDefinitionsCarryTheBindingWithoutEnvironmentValues() throws {
        let dir = try makeTemporaryDirectory()
        let binding = ToolBinding(command: ["./charge.sh", "{amount}"], env: ["PAYMENTS_TOKEN": "s3cret"], timeoutSeconds: 3)
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: "http://127.0.0.1:9"),
            commandTools: [WorkerToolDefinition(name: "charge", binding: binding, baseDirectory: dir)],
            configuration: configuration())
        let registered = try #require(worker.taskDefinitions().first?.workerBinding)
        #expect(registered["command"] == ["./charge.sh", "{amount}"])
        #expect(registered["timeoutSeconds"] == 3)
        #expect(registered["env"] == ["PAYMENTS_TOKEN": "…"], "the value may be a credential and stays with the worker")
        #expect(!registered.jsonText().contains("s3cret"))
    }

    @Test func aNonIdempotentCallInterruptedMidRunIsNeverRunAgainByTheServer() async throws {
        // The real engine: the interrupted call fails terminally, so the execution fails and a later worker
        // finds nothing to run again.
        let dir = try makeTemporaryDirectory()
        let engine = try await EngineServer(databasePath: dir + "/engine.sqlite")
        try writeScript(dir, "charge.sh", Self.sideEffectScript)
        let tools = [WorkerToolDefinition(
            name: "charge", binding: ToolBinding(command: ["./charge.sh"], idempotent: false), baseDirectory: dir)]
        let client = ConductorClient(baseURL: engine.baseURL)
        let first = try ToolWorker(
            client: client, commandTools: tools, configuration: configuration { $0.shutdownGracePeriod = .seconds(1) })
        try await client.registerTaskDefs(first.taskDefinitions())
        #expect(try await client.taskDefs().first { $0.name == "charge" }?.retryCount == 0)
        try await client.registerWorkflowDef(WorkflowDef(
            name: "charge_wf", tasks: [WorkflowTask(name: "charge", taskReferenceName: "charge", type: "SIMPLE")]))
        let id = try await client.startWorkflow(StartWorkflowRequest(name: "charge_wf"))
        let running = Task { try await first.run() }
        #expect(await eventually(timeout: .seconds(20)) { lines(dir + "/runs").count == 1 })
        first.shutdown()
        try await running.value

        let second = try ToolWorker(client: client, commandTools: tools, configuration: configuration())
        let serving = Task { try await second.run() }
        let ended = await eventually(timeout: .seconds(20)) {
            (try? await client.workflow(id: id, includeTasks: true))?.status.isTerminal == true
        }
        let execution = try await client.workflow(id: id, includeTasks: true)
        second.shutdown()
        try await serving.value
        await engine.stop()
        #expect(ended)
        #expect(execution.status == .failed)
        #expect(execution.tasks.map(\.status) == [.failedWithTerminalError])
        #expect(execution.tasks.first?.reasonForIncompletion?.contains("not run again") == true)
        #expect(lines(dir + "/runs").count == 1)
    }

    @Test func duplicateToolNamesAreRejected() {
        #expect(throws: WorkerConfigurationError.self) {
            try ToolWorker(
                client: ConductorClient(baseURL: "http://127.0.0.1:1"), tools: [Doubler()],
                commandTools: [WorkerToolDefinition(name: "double", binding: ToolBinding(command: ["true"]), baseDirectory: "/")])
        }
    }
}

@Suite struct MetricsServerTests {
    @Test func aServiceGroupRunsWorkerAndMetricsAndShutsDownGracefully() async throws {
        let server = try await FakeConductor()
        let worker = try ToolWorker(
            client: ConductorClient(baseURL: server.baseURL), tools: [Doubler()],
            configuration: .init(workerID: "metrics-worker", pollTimeoutMilliseconds: 100))
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let metricsServer = MetricsServer(metrics: worker.metrics, port: 0, logger: Logger(label: "metrics")) { port in
            portContinuation.yield(port)
        }
        let group = ServiceGroup(configuration: .init(services: [worker, metricsServer], logger: Logger(label: "group")))
        let running = Task { try await group.run() }
        let port = try #require(await ports.first { _ in true })
        await server.state.enqueue((1...3).map { FakeConductor.task("double", $0, input: ["n": .int($0)]) })
        await server.state.enqueue([FakeConductor.task("double", 4, input: ["n": "not a number"])])
        _ = await eventually { await server.state.results.count >= 4 }

        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(5))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(text.contains(#"agentspanc_worker_tasks_polled_total{tool="double"} 4"#))
        #expect(text.contains(#"agentspanc_worker_tasks_completed_total{tool="double"} 3"#))
        #expect(text.contains(#"agentspanc_worker_tasks_failed_total{tool="double",terminal="true"} 1"#))
        #expect(text.contains(#"agentspanc_worker_task_duration_seconds_count{tool="double"} 4"#))

        await group.triggerGracefulShutdown()
        try await running.value
        await server.stop()
    }
}
