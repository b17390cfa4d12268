import ConductorClient
import Foundation
import Testing
import Workflow
@testable import Worker

#if canImport(Glibc)
import Glibc
#endif

/// The figures, run on demand: `AGENTSPANC_BENCH=1 AGENTSPANC_BENCH_PYTHON=/path/to/venv/bin/python
/// swift test --disable-xctest --filter WorkerBenchmarkTests` (the Python needs `pip install conductor-python==2.0.0`).
///
/// 1. Same server (the real engine), same no-op tool, same concurrency (8): tasks/s of `agentspanc worker`
///    against a conductor-python 2.0.0 worker, once with a tool that spawns `/bin/true` (a command tool) and
///    once with an in-process no-op (a plugin for agentspanc, a Python function for conductor-python).
/// 2. Per-call overhead of a command tool above a bare `posix_spawn` + `waitpid` of the same program.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AGENTSPANC_BENCH"] != nil))
struct WorkerBenchmarkTests {
    static let environment = ProcessInfo.processInfo.environment
    static let taskCount = Int(environment["AGENTSPANC_BENCH_TASKS"] ?? "") ?? 400
    static let python = environment["AGENTSPANC_BENCH_PYTHON"] ?? "python3"

    /// Queues `taskCount` one-task workflows, starts the worker, and returns tasks/s between the first poll and
    /// the last completion (so worker start-up time is not counted).
    func drain(_ server: EngineServer, task: String, input: [String: JSONValue], worker: () throws -> ChildProcess) async throws -> Double {
        let client = ConductorClient(baseURL: server.baseURL)
        try await client.registerTaskDefs([TaskDef(name: task, retryCount: 0, responseTimeoutSeconds: 30)])
        let workflow = "bench_\(task)"
        try await client.registerWorkflowDef(WorkflowDef(
            name: workflow,
            tasks: [WorkflowTask(name: task, taskReferenceName: "t", type: "SIMPLE", inputParameters: input)]))
        var ids: [String] = []
        for _ in 0..<Self.taskCount {
            ids.append(try await client.startWorkflow(StartWorkflowRequest(name: workflow)))
        }
        let process = try worker()
        defer {
            kill(-process.pid, SIGKILL)
            kill(process.pid, SIGKILL)
        }
        var completed = 0
        let done = await eventually(timeout: .seconds(120)) {
            completed = (try? await server.engine.searchWorkflows(name: workflow, status: .completed, limit: Self.taskCount + 1))?.count ?? 0
            return completed >= Self.taskCount
        }
        #expect(done, "\(completed) of \(Self.taskCount) done; worker stderr: \(process.stderr.suffix(3000))")
        var starts: [Int64] = []
        var ends: [Int64] = []
        for id in ids {
            let execution = try await client.workflow(id: id, includeTasks: true)
            if let t = execution.tasks.first, let start = t.startTime, let end = t.endTime {
                starts.append(start)
                ends.append(end)
            }
        }
        let seconds = Double((ends.max() ?? 0) - (starts.min() ?? 0)) / 1000
        return Double(starts.count) / max(seconds, 0.001)
    }

    func agentspancWorker(_ server: EngineServer, spec: String, updateV2: Bool) throws -> ChildProcess {
        let dir = try makeTemporaryDirectory()
        try spec.write(toFile: dir + "/bench.yaml", atomically: true, encoding: .utf8)
        let binary = try Self.environment["AGENTSPANC_BENCH_BINARY"] ?? builtProduct("agentspanc")
        return try ChildProcess(binary, [
            "worker", dir + "/bench.yaml", "--server", server.baseURL, "--concurrency", "8", "--log-level", "error",
        ] + (updateV2 ? [] : ["--no-update-v2"]))
    }

    func pythonWorker(_ server: EngineServer, task: String, mode: String) throws -> ChildProcess {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/bench/conductor_python_worker.py").path
        return try ChildProcess(Self.python, [script, server.baseURL, task, "8", mode])
    }

    @Test func throughputAgainstConductorPython() async throws {
        let dir = try makeTemporaryDirectory()
        let plugin = try builtProduct("agentspanc-example-plugin")
        var figures: [String] = []
        for (mode, task) in [("spawn", "bench_true"), ("function", "word_count")] {
            let input: [String: JSONValue] = mode == "spawn" ? [:] : ["text": "a b c"]
            let spec = mode == "spawn"
                ? "name: bench\nmodel: openai/gpt-4o\ninstructions: bench\ntools:\n  - name: bench_true\n    run:\n      command: [/bin/true]\n"
                : "name: bench\nmodel: openai/gpt-4o\ninstructions: bench\ntools:\n  - name: word_count\n    run:\n      plugin: \(plugin)\n"
            var rates: [Double] = []
            for updateV2 in [true, false] {
                let ours = try await EngineServer(databasePath: dir + "/ours-\(mode)-\(updateV2).sqlite")
                rates.append(try await drain(ours, task: task, input: input) { try agentspancWorker(ours, spec: spec, updateV2: updateV2) })
                await ours.stop()
            }
            let theirs = try await EngineServer(databasePath: dir + "/python-\(mode).sqlite")
            let theirRate = try await drain(theirs, task: task, input: input) { try pythonWorker(theirs, task: task, mode: mode) }
            await theirs.stop()
            figures.append(String(
                format: "%@ tool, %d tasks, concurrency 8: agentspanc worker %.0f tasks/s with update-v2, %.0f without; "
                    + "conductor-python 2.0.0 %.0f tasks/s (best ratio %.1f×)",
                mode, Self.taskCount, rates[0], rates[1], theirRate, max(rates[0], rates[1]) / max(theirRate, 0.001)))
        }
        for line in figures { print("BENCH " + line) }
    }

    @Test func commandToolOverheadAboveBareSpawn() async throws {
        let rounds = 300
        let tool = try CommandTool(WorkerToolDefinition(name: "true", binding: .init(command: ["/bin/true"]), baseDirectory: "/tmp"))
        let invocation = ToolInvocation(input: ["_agent_state": [:]], taskID: "t", executionID: "e", toolName: "true")
        func bareSpawn() {
            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
            defer { for pointer in argv { free(pointer) } }
            guard posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 else { return }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        for _ in 0..<20 {
            bareSpawn()
            _ = await tool.execute(invocation)
        }
        let clock = ContinuousClock()
        let bare = clock.measure { for _ in 0..<rounds { bareSpawn() } }
        var failures = 0
        let started = clock.now
        for _ in 0..<rounds where await tool.execute(invocation).status != .completed {
            failures += 1
        }
        let ours = clock.now - started
        #expect(failures == 0)
        let bareMs = bare.seconds * 1000 / Double(rounds)
        let oursMs = ours.seconds * 1000 / Double(rounds)
        print(String(format: "BENCH command tool /bin/true: %.2f ms per call; bare posix_spawn+waitpid %.2f ms; overhead %.2f ms",
                     oursMs, bareMs, oursMs - bareMs))
    }
}
