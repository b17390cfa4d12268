import ArgumentParser
import Foundation
import Worker
import Workflow

#if canImport(Glibc)
import Glibc
#endif

/// Throughput of the `agentspanc worker` process against a conductor-python 2.0.0 worker on the same real
/// `agentspanc server` process, and the per-call overhead of a command tool above a bare spawn.
struct WorkerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "tasks/s of agentspanc worker vs a conductor-python 2.0.0 worker; command-tool overhead above a bare spawn.",
        discussion: """
            Every run starts a fresh `agentspanc server` process, queues N one-task workflows, then starts one worker \
            process and times the tasks from the first start to the last end (so worker start-up is not counted). \
            Tools: a command tool running /bin/true (conductor-python: subprocess.run(["/bin/true"])) and an \
            in-process no-op (agentspanc: the `word_count` tool of the example plugin, a long-lived JSON-lines child; \
            conductor-python: a Python function).
            """)

    @Option(help: "Tasks per run.") var tasks = 2000
    @Option(help: "SIMPLE tasks per workflow (one after another); a run starts tasks / steps workflows.") var steps = 1
    @Option(help: "Concurrency of both workers.") var concurrency = 8
    @Option(help: "Runs per figure; the median is reported.") var runs = 3
    @Option(help: "A Python with conductor-python 2.0.0 installed.") var python = "python3"
    @Option(help: "The agentspanc binary (default: next to this one).") var binary: String?
    @Option(help: "The example plugin binary (default: agentspanc-example-plugin next to this one).") var plugin: String?
    @Option(help: "Examples/bench/conductor_python_worker.py (default: found above the binary or the current directory).")
    var script: String?
    @Option(help: "Calls for the command-tool overhead figure.") var calls = 500
    @Flag(help: "Skip the conductor-python worker.") var skipPython = false
    @Option(help: "Only this tool: path, spawn or function (default: all three).") var only: String?
    @Option(help: "Use this running server (for a profiler) instead of a fresh process per run; server CPU is not measured.")
    var server: String?
    @Flag(help: "Run the agentspanc worker with --no-update-v2 (plain updates, every task from a batch poll).")
    var noUpdateV2 = false

    func run() async throws {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let agentspanc = binary ?? here.appendingPathComponent("agentspanc").path
        let pluginPath = plugin ?? here.appendingPathComponent("agentspanc-example-plugin").path
        for path in [agentspanc, pluginPath] where !FileManager.default.isExecutableFile(atPath: path) {
            throw ValidationError("no executable at \(path): build it (swift build -c release) or pass --binary/--plugin")
        }
        let pythonScript = try script ?? Self.findScript(from: [here.path, FileManager.default.currentDirectoryPath])

        try await commandOverhead()
        let scenarios: [(label: String, tool: ToolKind)] = [
            ("command tool true (found in PATH)", .pathSpawn), ("command tool /bin/true", .spawn), ("in-process no-op", .function),
        ]
        for (label, tool) in scenarios where only == nil || only == tool.pythonMode {
            let specPath = try spec(tool: tool, plugin: pluginPath)
            defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: specPath).deletingLastPathComponent().path) }
            let ours = try await median {
                try await drain(tool: tool, server: agentspanc) { url, task in
                    try ChildProcess(agentspanc, [
                        "worker", specPath, "--server", url,
                        "--concurrency", String(concurrency), "--log-level", "error",
                    ] + (noUpdateV2 ? ["--no-update-v2"] : []))
                }
            }
            let mode = noUpdateV2 ? "plain updates" : "update-v2"
            report("agentspanc worker (\(mode)), \(label), \(tasks) tasks in \(steps)-task workflows, concurrency \(concurrency)", ours.description)
            guard !skipPython else { continue }
            let theirs = try await median {
                try await drain(tool: tool, server: agentspanc) { url, task in
                    try ChildProcess(python, [pythonScript, url, task, String(concurrency), tool.pythonMode])
                }
            }
            report("conductor-python 2.0.0 worker, \(label), \(tasks) tasks, concurrency \(concurrency)", theirs.description)
            report(
                "agentspanc / conductor-python, \(label)",
                String(format: "%.2f× tasks/s; %.2f× less worker CPU per task",
                       ours.tasksPerSecond / theirs.tasksPerSecond, theirs.cpuMillisecondsPerTask / ours.cpuMillisecondsPerTask),
                target: tool == .function ? "≥ 3× tasks/s" : "≥ 2× tasks/s, ≥ 3× less worker CPU per task")
        }
    }

    enum ToolKind {
        /// `command: [true]`, as users write it.
        case pathSpawn
        case spawn
        case function

        var pythonMode: String { self == .pathSpawn ? "path" : self == .spawn ? "spawn" : "function" }
    }

    /// One drain of the queue by one worker process.
    struct Figure: CustomStringConvertible {
        var tasksPerSecond: Double
        var cpuMillisecondsPerTask: Double
        var serverCPUMillisecondsPerTask: Double

        var description: String {
            String(format: "%.0f tasks/s (CPU per task: worker %.2f ms, server %.2f ms)",
                   tasksPerSecond, cpuMillisecondsPerTask, serverCPUMillisecondsPerTask)
        }
    }

    /// Runs `body` ``runs`` times and returns the run with the median throughput.
    private func median(_ body: () async throws -> Figure) async throws -> Figure {
        var figures: [Figure] = []
        for _ in 0..<max(1, runs) { figures.append(try await body()) }
        return figures.sorted { $0.tasksPerSecond < $1.tasksPerSecond }[figures.count / 2]
    }

    private func taskName(_ tool: ToolKind) -> String { tool == .function ? "word_count" : "bench_true" }

    /// A spec with the one tool, in a fresh temporary directory; returns its path.
    private func spec(tool: ToolKind, plugin: String) throws -> String {
        let directory = try temporaryDirectory("agentspanc-bench-spec")
        let run = tool == .pathSpawn ? "command: [\"true\"]" : tool == .spawn ? "command: [/bin/true]" : "plugin: \(plugin)"
        let text = "name: bench\nmodel: openai/gpt-4o\ninstructions: bench\ntools:\n  - name: \(taskName(tool))\n    run:\n      \(run)\n"
        let path = directory + "/bench.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts a server, queues ``tasks`` one-task workflows, lets the worker made by `worker` drain them and
    /// returns tasks/s between the first task start and the last task end.
    private func drain(
        tool: ToolKind, server binary: String, worker: (_ url: String, _ task: String) throws -> ChildProcess
    ) async throws -> Figure {
        let server = self.server == nil ? try await ServerProcess.start(binary) : nil
        defer { server?.stop() }
        let url = self.server ?? server?.url ?? ""
        let http = BenchHTTP(base: url)
        let task = taskName(tool)
        let def = TaskDef(name: task, retryCount: 0, responseTimeoutSeconds: 30)
        _ = try await http.call(.POST, "/api/metadata/taskdefs", body: try JSONValue.from([def]).jsonText())
        let workflow = WorkflowDef(name: "bench_\(task)", tasks: (0..<max(1, steps)).map { step in
            WorkflowTask(name: task, taskReferenceName: steps > 1 ? "t\(step)" : "t", type: "SIMPLE",
                         inputParameters: tool == .function ? ["text": "a b c"] : [:])
        })
        let workflows = tasks / max(1, steps)
        _ = try await http.call(.POST, "/api/metadata/workflow?overwrite=true", body: try JSONValue.from(workflow).jsonText())
        let ids = try await withThrowingTaskGroup(of: [String].self) { group in
            for loop in 0..<8 {
                group.addTask {
                    var ids: [String] = []
                    for _ in stride(from: loop, to: workflows, by: 8) {
                        let (_, body) = try await http.call(.POST, "/api/workflow/bench_\(task)", body: "{}")
                        ids.append(String(buffer: body))
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        let process = try worker(url, task)
        defer { process.kill() }
        // CPU is counted from the first handed-out task (interpreter start-up and imports excluded).
        var cpuBefore = 0.0
        var serverCPUBefore = 0.0
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120 + tasks / 20)
        var started = false
        while clock.now < deadline {
            let queued = try await queueSize(http, task)
            if !started && queued < workflows {
                cpuBefore = process.cpuSeconds()
                serverCPUBefore = server?.child.cpuSeconds() ?? 0
                started = true
            }
            if steps > 1 ? try await running(http, "bench_\(task)") == 0 : queued == 0 { break }
            try await Task.sleep(for: .milliseconds(started ? 20 : 5))
        }
        // The queue is empty (the last few tasks are running): CPU is read before the checks below load the server.
        let cpu = process.cpuSeconds() - cpuBefore
        let serverCPU = (server?.child.cpuSeconds() ?? 0) - serverCPUBefore
        var starts: [Int64] = []
        var ends: [Int64] = []
        var pending = ids
        while !pending.isEmpty && clock.now < deadline {
            var still: [String] = []
            for id in pending {
                let (_, body) = try await http.call(.GET, "/api/workflow/\(id)?includeTasks=true")
                let execution = try JSONDecoder().decode(WorkflowExecution.self, from: Data(body.readableBytesView))
                if execution.status == .completed {
                    for t in execution.tasks {
                        if let s = t.startTime { starts.append(s) }
                        if let e = t.endTime { ends.append(e) }
                    }
                } else if execution.status.isTerminal {
                    throw ValidationError("workflow \(id) ended \(execution.status.rawValue); worker stderr: \(process.stderrTail())")
                } else {
                    still.append(id)
                }
            }
            pending = still
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard pending.isEmpty else {
            throw ValidationError("\(pending.count) of \(tasks) tasks not done in time; worker stderr: \(process.stderrTail())")
        }
        let seconds = Double((ends.max() ?? 0) - (starts.min() ?? 0)) / 1000
        return Figure(
            tasksPerSecond: Double(starts.count) / max(seconds, 0.001),
            cpuMillisecondsPerTask: cpu * 1000 / Double(max(1, tasks)),
            serverCPUMillisecondsPerTask: serverCPU * 1000 / Double(max(1, tasks)))
    }

    /// RUNNING executions of `workflow`.
    private func running(_ http: BenchHTTP, _ workflow: String) async throws -> Int {
        let (_, body) = try await http.call(.GET, "/api/workflow/search?workflowType=\(workflow)&status=RUNNING&size=1")
        return try JSONDecoder().decode(RunningCount.self, from: Data(body.readableBytesView)).totalHits
    }

    private struct RunningCount: Decodable { let totalHits: Int }

    private func queueSize(_ http: BenchHTTP, _ task: String) async throws -> Int {
        let (_, body) = try await http.call(.GET, "/api/tasks/queue/sizes?taskType=\(task)")
        let sizes = try JSONDecoder().decode([String: Int].self, from: Data(body.readableBytesView))
        return sizes[task] ?? 0
    }

    /// Mean time of a `/bin/true` command tool call against a bare `posix_spawn` + `waitpid` of the same program.
    private func commandOverhead() async throws {
        let tool = try CommandTool(WorkerToolDefinition(name: "true", binding: .init(command: ["/bin/true"]), baseDirectory: "/tmp"))
        let invocation = ToolInvocation(input: [:], taskID: "t", executionID: "e", toolName: "true")
        for _ in 0..<20 {
            Self.bareSpawn()
            _ = await tool.execute(invocation)
        }
        let clock = ContinuousClock()
        let bare = clock.measure { for _ in 0..<calls { Self.bareSpawn() } }
        let started = clock.now
        var failures = 0
        for _ in 0..<calls where await tool.execute(invocation).status != .completed { failures += 1 }
        let ours = clock.now - started
        guard failures == 0 else { throw ValidationError("\(failures) of \(calls) /bin/true command tool calls failed") }
        let bareMs = bare.seconds * 1000 / Double(calls)
        let oursMs = ours.seconds * 1000 / Double(calls)
        report(
            "command tool /bin/true, \(calls) sequential calls",
            String(format: "%.2f ms per call; bare posix_spawn+waitpid %.2f ms; overhead %.2f ms", oursMs, bareMs, oursMs - bareMs),
            target: "overhead ≤ 0.1 ms")
    }

    private static func bareSpawn() {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { for pointer in argv { free(pointer) } }
        guard posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 else { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    private static func findScript(from starts: [String]) throws -> String {
        for start in starts {
            var directory = URL(fileURLWithPath: start).standardizedFileURL
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("Examples/bench/conductor_python_worker.py").path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                directory.deleteLastPathComponent()
            }
        }
        throw ValidationError("Examples/bench/conductor_python_worker.py not found: pass --script")
    }
}

/// A fresh temporary directory.
func temporaryDirectory(_ prefix: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
