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
/// `AGENTSPANC_BENCH_BINARY` / `AGENTSPANC_BENCH_PLUGIN` point at release builds of `agentspanc` and
/// `agentspanc-example-plugin` (debug builds by default); `AGENTSPANC_BENCH_TASKS` sets the task count (400).
///
/// 1. Same server (the real engine), same no-op tool, same concurrency (8): tasks/s of `agentspanc worker`
///    against a conductor-python 2.0.0 worker, once with a tool that spawns `/bin/true` (a command tool) and
///    once with an in-process no-op (a plugin for agentspanc, a Python function for conductor-python).
/// 2. Per-call overhead of a command tool above a bare `posix_spawn` + `waitpid` of the same program.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AGENTSPANC_BENCH"] != nil))
struct WorkerBenchmarkTests {
    static let environment = ProcessInfo.processInfo.environment
    static let taskCount = Int(environment["AGENTSPANC_BENCH_TASKS"] ?? "") ?? 2000

    /// One drain: throughput and the CPU time the worker's process tree spent per task.
    struct Figure {
        var tasksPerSecond: Double
        var cpuMillisecondsPerTask: Double
    }

    /// CPU seconds (user + system, including reaped children) of `pid` and all its live descendants.
    static func cpuSeconds(ofTree pid: Int32) -> Double {
        var parents: [Int32: Int32] = [:]
        var ticks: [Int32: Double] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let candidate = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // Fields after the command: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 14, let ppid = Int32(fields[1]) else { continue }
            parents[candidate] = ppid
            ticks[candidate] = fields[11...14].compactMap { Double($0) }.reduce(0, +)
        }
        var total = 0.0
        for (candidate, value) in ticks {
            var current: Int32? = candidate
            while let node = current, node > 1 {
                if node == pid {
                    total += value
                    break
                }
                current = parents[node]
            }
        }
        return total / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
    static let python = environment["AGENTSPANC_BENCH_PYTHON"] ?? "python3"

    /// Queues `taskCount` one-task workflows, starts the worker, and returns tasks/s between the first poll and
    /// the last completion (so worker start-up time is not counted).
    func drain(_ server: EngineServer, task: String, input: [String: JSONValue], worker: () throws -> ChildProcess) async throws -> Figure {
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
        // Let it start up (interpreter, imports, first poll) before its CPU time is counted.
        _ = await eventually(timeout: .seconds(30)) {
            (try? await server.engine.searchWorkflows(name: workflow, status: .completed, limit: 1))?.isEmpty == false
        }
        let cpuBefore = Self.cpuSeconds(ofTree: process.pid)
        let completedBefore = (try? await server.engine.searchWorkflows(name: workflow, status: .completed, limit: Self.taskCount + 1))?.count ?? 0
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
        let cpu = Self.cpuSeconds(ofTree: process.pid) - cpuBefore
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
        return Figure(
            tasksPerSecond: Double(starts.count) / max(seconds, 0.001),
            cpuMillisecondsPerTask: cpu * 1000 / Double(max(1, Self.taskCount - completedBefore)))
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
        let plugin = try Self.environment["AGENTSPANC_BENCH_PLUGIN"] ?? builtProduct("agentspanc-example-plugin")
        var figures: [String] = []
        for (mode, task) in [("spawn", "bench_true"), ("function", "word_count")] {
            let input: [String: JSONValue] = mode == "spawn" ? [:] : ["text": "a b c"]
            let spec = mode == "spawn"
                ? "name: bench\nmodel: openai/gpt-4o\ninstructions: bench\ntools:\n  - name: bench_true\n    run:\n      command: [/bin/true]\n"
                : "name: bench\nmodel: openai/gpt-4o\ninstructions: bench\ntools:\n  - name: word_count\n    run:\n      plugin: \(plugin)\n"
            var ours: [Figure] = []
            for updateV2 in [true, false] {
                let server = try await EngineServer(databasePath: dir + "/ours-\(mode)-\(updateV2).sqlite")
                ours.append(try await drain(server, task: task, input: input) { try agentspancWorker(server, spec: spec, updateV2: updateV2) })
                await server.stop()
            }
            let server = try await EngineServer(databasePath: dir + "/python-\(mode).sqlite")
            let theirs = try await drain(server, task: task, input: input) { try pythonWorker(server, task: task, mode: mode) }
            await server.stop()
            figures.append(String(
                format: "%@ tool, %d tasks, concurrency 8: agentspanc worker %.0f tasks/s (%.2f CPU ms/task) with update-v2, "
                    + "%.0f tasks/s (%.2f CPU ms/task) without; conductor-python 2.0.0 %.0f tasks/s (%.2f CPU ms/task)",
                mode, Self.taskCount, ours[0].tasksPerSecond, ours[0].cpuMillisecondsPerTask, ours[1].tasksPerSecond,
                ours[1].cpuMillisecondsPerTask, theirs.tasksPerSecond, theirs.cpuMillisecondsPerTask))
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
