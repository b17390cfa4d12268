import AsyncHTTPClient
import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

#if canImport(Glibc)
import Glibc
#endif

/// `agentspanc worker` re-reading its specs (SIGHUP, `--watch`), against a real `agentspanc server` process.
@Suite(.serialized) struct WorkerReloadTests {
    /// A spec with the given tools, each `name: command` running `./NAME.sh`.
    static func spec(_ tools: [(name: String, description: String)]) -> String {
        var text = """
            name: reload_agent
            model: openai/gpt-4o
            instructions: Use the tools.
            tools:

            """
        for tool in tools {
            text += """
                  - name: \(tool.name)
                    description: \(tool.description)
                    inputSchema: {type: object, properties: {}}
                    run: {command: [./\(tool.name).sh], timeoutSeconds: 120}

                """
        }
        return text
    }

    struct Stack {
        var server: ChildProcess
        var worker: ChildProcess
        var baseURL: String
        var dir: String
        var client: ConductorClient { ConductorClient(baseURL: baseURL) }

        func stop() async {
            worker.signal(SIGTERM)
            if await worker.wait(timeout: .seconds(20)) == nil { await worker.kill9() }
            server.signal(SIGTERM)
            if await server.wait(timeout: .seconds(20)) == nil { await server.kill9() }
        }

        /// Runs a one-task workflow of `tool` and waits for its end.
        func run(_ tool: String, timeout: Duration = .seconds(60)) async throws -> WorkflowExecution {
            let id = try await start(tool)
            return try await client.waitForEnd(id, timeout: timeout)
        }

        func start(_ tool: String) async throws -> String {
            try await client.registerWorkflowDef(WorkflowDef(
                name: "\(tool)_wf", tasks: [WorkflowTask(name: tool, taskReferenceName: "call", type: "SIMPLE")]))
            return try await client.startWorkflow(StartWorkflowRequest(name: "\(tool)_wf"))
        }

        /// When this worker last polled `tool` (epoch ms), from the server's poll data.
        func lastPoll(_ tool: String) async throws -> Int64? {
            let request = HTTPClientRequest(url: "\(baseURL)/api/tasks/queue/polldata?taskType=\(tool)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            let entries = try JSONDecoder().decode([PollDataEntry].self, from: Data(buffer: body))
            return entries.first { $0.workerId == "reload-test" }?.lastPollTime
        }
    }

    /// Starts a server and a worker for `dir/agent.yaml` (whose tools' scripts are in `dir`).
    func start(_ dir: String, workerFlags: [String] = []) async throws -> Stack {
        let binary = try builtProduct("agentspanc")
        let port = freePort()
        let server = try ChildProcess(binary, [
            "server", "--port", String(port), "--data", dir + "/data", "--log-level", "warning",
        ])
        #expect(await eventually(timeout: .seconds(30)) { isListening(port) }, "server did not listen: \(server.stderr)")
        let url = "http://127.0.0.1:\(port)"
        let worker = try ChildProcess(binary, [
            "worker", dir + "/agent.yaml", "--server", url, "--worker-id", "reload-test", "--grace", "5",
        ] + workerFlags)
        let ready = await eventually(timeout: .seconds(30)) { worker.stdout.contains("agentspanc worker: serving") }
        #expect(ready, "worker did not start: \(worker.stderr)")
        return Stack(server: server, worker: worker, baseURL: url, dir: dir)
    }

    func writeSpec(_ dir: String, _ text: String) throws {
        try text.write(toFile: dir + "/agent.yaml", atomically: true, encoding: .utf8)
    }

    @Test func sighupWhileAToolRunsLetsTheCallFinishServesTheNewToolAndStopsPollingTheRemovedOne() async throws {
        let dir = try makeTemporaryDirectory()
        // The slow tool runs until the test lets it finish.
        try writeScript(dir, "slow_step.sh", """
            #!/bin/sh
            echo started > started.txt
            i=0
            while [ ! -f release ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
            printf '{"finished":"yes"}'
            """)
        try writeScript(dir, "old_tool.sh", "#!/bin/sh\nprintf '{\"tool\":\"old\"}'\n")
        try writeScript(dir, "new_tool.sh", "#!/bin/sh\nprintf '{\"tool\":\"new\"}'\n")
        try writeSpec(dir, Self.spec([("slow_step", "Waits for a file."), ("old_tool", "Goes away.")]))
        let stack = try await start(dir)

        let slow = try await stack.start("slow_step")
        #expect(await eventually(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: dir + "/started.txt") })

        try writeSpec(dir, Self.spec([("slow_step", "Waits for a file (changed)."), ("new_tool", "Came with the reload.")]))
        stack.worker.signal(SIGHUP)
        let reloaded = await eventually(timeout: .seconds(30)) {
            stack.worker.stderr.contains("reloaded: added new_tool; changed slow_step; removed old_tool")
        }
        #expect(reloaded, "no reload line: \(stack.worker.stderr)")
        let reloadedAt = Int64(Date().timeIntervalSince1970 * 1000)

        // The call that was running when the specs changed completes with what it printed.
        _ = FileManager.default.createFile(atPath: dir + "/release", contents: nil)
        let slowRun = try await stack.client.waitForEnd(slow, timeout: .seconds(60))
        #expect(slowRun.status == .completed, "\(slowRun.tasks.map { ($0.status, $0.reasonForIncompletion ?? "") })")
        #expect(slowRun.tasks.first?.outputData["finished"] == "yes")

        // The new tool is served.
        let newRun = try await stack.run("new_tool")
        #expect(newRun.status == .completed)
        #expect(newRun.tasks.first?.outputData["tool"] == "new")

        // The removed tool is no longer polled: while the worker keeps polling the tools it serves, the removed
        // tool's last poll stays where it was.
        let polledAfterReload = await eventually(timeout: .seconds(60)) {
            ((try? await stack.lastPoll("new_tool")) ?? nil).map { $0 > reloadedAt + 3_000 } == true
        }
        #expect(polledAfterReload)
        let lastOldPoll = try await stack.lastPoll("old_tool")
        #expect(lastOldPoll != nil, "the removed tool was polled before the reload")
        let checkpoint = Int64(Date().timeIntervalSince1970 * 1000)
        let polledAgain = await eventually(timeout: .seconds(60)) {
            ((try? await stack.lastPoll("new_tool")) ?? nil).map { $0 > checkpoint + 3_000 } == true
        }
        #expect(polledAgain)
        #expect(try await stack.lastPoll("old_tool") == lastOldPoll)
        await stack.stop()
    }

    @Test func aSpecThatNoLongerLoadsKeepsTheOldToolsAndLogsWhereTheErrorIs() async throws {
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "kept_tool.sh", "#!/bin/sh\nprintf '{\"tool\":\"kept\"}'\n")
        try writeSpec(dir, Self.spec([("kept_tool", "Stays.")]))
        let stack = try await start(dir)

        try """
            name: reload_agent
            model: openai/gpt-4o
            instructions: [unclosed
            """.write(toFile: dir + "/agent.yaml", atomically: true, encoding: .utf8)
        stack.worker.signal(SIGHUP)
        let logged = await eventually(timeout: .seconds(30)) { stack.worker.stderr.contains("reload failed") }
        #expect(logged, "\(stack.worker.stderr)")
        let stderr = stack.worker.stderr
        #expect(stderr.range(of: #"agent\.yaml:\d+:\d+: error: "#, options: .regularExpression) != nil, "\(stderr)")
        #expect(stderr.contains("still serving kept_tool"))
        #expect(!stderr.contains("reloaded:"))

        let run = try await stack.run("kept_tool")
        #expect(run.status == .completed)
        #expect(run.tasks.first?.outputData["tool"] == "kept")
        // A SIGHUP did not end the worker.
        #expect(!processIsDead(stack.worker.pid))
        await stack.stop()
    }

    @Test func watchPicksUpAnEditWithoutASignal() async throws {
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "first_tool.sh", "#!/bin/sh\nprintf '{\"tool\":\"first\"}'\n")
        try writeScript(dir, "second_tool.sh", "#!/bin/sh\nprintf '{\"tool\":\"second\"}'\n")
        try writeSpec(dir, Self.spec([("first_tool", "There from the start.")]))
        let stack = try await start(dir, workerFlags: ["--watch"])

        try writeSpec(dir, Self.spec([("first_tool", "There from the start."), ("second_tool", "Added by an edit.")]))
        let reloaded = await eventually(timeout: .seconds(30)) { stack.worker.stderr.contains("reloaded: added second_tool") }
        #expect(reloaded, "\(stack.worker.stderr)")
        let run = try await stack.run("second_tool")
        #expect(run.status == .completed)
        #expect(run.tasks.first?.outputData["tool"] == "second")
        await stack.stop()
        #expect(await stack.worker.wait(timeout: .seconds(1)) == 0, "a graceful stop exits 0")
    }
}
