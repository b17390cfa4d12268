import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

@testable import Worker

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct WorkerProcessTests {
    static let spec = """
        name: crash_agent
        model: openai/gpt-4o
        instructions: Run the slow step.
        tools:
          - name: slow_step
            description: Sleeps, then reports which attempt finished it.
            inputSchema:
              type: object
              properties:
                label: {type: string}
              required: [label]
            run:
              command: [./slow.sh, "{label}"]
              timeoutSeconds: 30
          - name: unbound_tool
            description: Served by someone else.
        """

    /// Records each start, sleeps, then answers with the label and the attempt.
    static let slowScript = """
        #!/bin/sh
        echo "$AGENTSPAN_TASK_ID" >> starts.txt
        sleep 2
        printf '{"label":"%s","attempt":"%s"}' "$1" "$AGENTSPAN_ATTEMPT"
        """

    static let workflow = WorkflowDef(
        name: "crash_wf",
        tasks: [
            WorkflowTask(
                name: "slow_step", taskReferenceName: "step", type: "SIMPLE",
                inputParameters: ["label": "${workflow.input.label}"])
        ])

    /// The real `agentspanc server` process on a free port with its own data directory.
    struct Server {
        var process: ChildProcess
        var baseURL: String
        var client: ConductorClient { ConductorClient(baseURL: baseURL) }

        func stop() async {
            process.signal(SIGTERM)
            if await process.wait(timeout: .seconds(10)) == nil { process.signal(SIGKILL) }
        }
    }

    func setUp() async throws -> (Server, String, String) {
        let dir = try makeTemporaryDirectory()
        try Self.spec.write(toFile: dir + "/agent.yaml", atomically: true, encoding: .utf8)
        try writeScript(dir, "slow.sh", Self.slowScript)
        let binary = try builtProduct("agentspanc")
        let port = freePort()
        let process = try ChildProcess(binary, [
            "server", "--port", String(port), "--data", dir + "/data", "--log-level", "warning",
        ])
        let listening = await eventually(timeout: .seconds(30)) { isListening(port) }
        #expect(listening, "server did not listen: \(process.stderr)")
        return (Server(process: process, baseURL: "http://127.0.0.1:\(port)"), dir, binary)
    }

    func startWorker(_ binary: String, _ dir: String, _ server: Server) async throws -> ChildProcess {
        let worker = try ChildProcess(binary, [
            "worker", dir + "/agent.yaml", "--server", server.baseURL, "--response-timeout", "2", "--grace", "1",
            "--log-level", "warning",
        ])
        let ready = await eventually(timeout: .seconds(20)) { worker.stdout.contains("serving slow_step") }
        #expect(ready, "worker did not start: \(worker.stderr)")
        // Registration runs next to polling; wait for the short response timeout to be in effect.
        let client = server.client
        _ = await eventually(timeout: .seconds(10)) {
            (try? await client.taskDefs())?.first { $0.name == "slow_step" }?.responseTimeoutSeconds == 2
        }
        return worker
    }

    @Test func theCLIWorkerServesASpecAndStopsOnSIGTERM() async throws {
        let (server, dir, binary) = try await setUp()
        let worker = try await startWorker(binary, dir, server)
        #expect(worker.stderr.contains("crash_agent/unbound_tool has no run: binding"))
        let client = server.client
        try await client.registerWorkflowDef(Self.workflow)
        let id = try await client.startWorkflow(StartWorkflowRequest(name: "crash_wf", input: ["label": "first; $(id)"]))
        let execution = try await client.waitForEnd(id, timeout: .seconds(20))
        #expect(execution.status == .completed)
        #expect(execution.tasks.first?.outputData == ["label": "first; $(id)", "attempt": "0"])
        worker.signal(SIGTERM)
        #expect(await worker.wait(timeout: .seconds(10)) == 0)
        await server.stop()
    }

    @Test func afterKill9OfAWorkerMidToolANewWorkerCompletesTheExecution() async throws {
        let (server, dir, binary) = try await setUp()
        let first = try await startWorker(binary, dir, server)
        let client = server.client
        try await client.registerWorkflowDef(Self.workflow)
        let id = try await client.startWorkflow(StartWorkflowRequest(name: "crash_wf", input: ["label": "survivor"]))
        let started = await eventually(timeout: .seconds(10)) {
            ((try? String(contentsOfFile: dir + "/starts.txt", encoding: .utf8)) ?? "").contains("\n")
        }
        #expect(started)
        first.signal(SIGKILL)
        _ = await first.wait(timeout: .seconds(5))

        let second = try await startWorker(binary, dir, server)
        let execution = try await client.waitForEnd(id, timeout: .seconds(40))
        second.signal(SIGTERM)
        _ = await second.wait(timeout: .seconds(10))
        await server.stop()

        #expect(execution.status == .completed, "second worker: \(second.stderr)")
        let attempts = execution.tasks.filter { $0.referenceTaskName == "step" }
        // The dead worker's attempt times out (or, on a loaded machine, may already have been reported failed by the
        // tool's own end); a later attempt by the new worker completes it.
        #expect(attempts.first.map { [.timedOut, .failed].contains($0.status) } == true)
        #expect(attempts.last?.status == .completed)
        #expect(attempts.last?.outputData["label"] == "survivor")
        #expect(attempts.count >= 2)
        let starts = try String(contentsOfFile: dir + "/starts.txt", encoding: .utf8).split(separator: "\n")
        #expect(starts.count >= 2)
    }

    @Test func aNonIdempotentToolRunsOnceAfterKill9OfItsWorker() async throws {
        let (server, dir, binary) = try await setUp()
        try """
            name: once_agent
            model: openai/gpt-4o
            tools:
              - name: charge_card
                inputSchema: {type: object, properties: {}}
                run: {command: [./charge.sh], timeoutSeconds: 60, idempotent: false}
            """.write(toFile: dir + "/once.yaml", atomically: true, encoding: .utf8)
        try writeScript(dir, "charge.sh", "#!/bin/sh\necho \"$AGENTSPAN_TASK_ID\" >> charges.txt\nsleep 60\n")
        func worker() async throws -> ChildProcess {
            let worker = try ChildProcess(binary, [
                "worker", dir + "/once.yaml", "--server", server.baseURL, "--response-timeout", "2", "--log-level", "warning",
            ])
            let ready = await eventually(timeout: .seconds(20)) { worker.stdout.contains("serving charge_card") }
            #expect(ready, "worker did not start: \(worker.stderr)")
            return worker
        }
        let client = server.client
        let first = try await worker()
        let registered = await eventually(timeout: .seconds(10)) {
            (try? await client.taskDefs())?.first { $0.name == "charge_card" }.map {
                $0.retryCount == 0 && $0.responseTimeoutSeconds == 2
            } == true
        }
        #expect(registered, "a non-idempotent tool is registered without retries")
        try await client.registerWorkflowDef(WorkflowDef(
            name: "once_wf", tasks: [WorkflowTask(name: "charge_card", taskReferenceName: "charge", type: "SIMPLE")]))
        let id = try await client.startWorkflow(StartWorkflowRequest(name: "once_wf"))
        func charges() -> [Substring] {
            ((try? String(contentsOfFile: dir + "/charges.txt", encoding: .utf8)) ?? "").split(separator: "\n")
        }
        #expect(await eventually(timeout: .seconds(20)) { charges().count == 1 })
        first.signal(SIGKILL)
        _ = await first.wait(timeout: .seconds(5))

        let second = try await worker()
        let execution = try await client.waitForEnd(id, timeout: .seconds(40))
        second.signal(SIGTERM)
        _ = await second.wait(timeout: .seconds(15))
        await server.stop()
        // The dead worker's call times out and is not retried: the new worker never runs it.
        #expect(execution.status == .failed || execution.status == .timedOut, "\(execution.status)")
        #expect(execution.tasks.count == 1)
        #expect(execution.tasks.first?.status == .timedOut)
        #expect(charges().count == 1)
    }

    @Test func aNewWorkerEndsTheToolProcessesOfAWorkerThatWasKilled() async throws {
        let (server, dir, binary) = try await setUp()
        try """
            name: hang_agent
            model: openai/gpt-4o
            tools:
              - name: hang_step
                inputSchema: {type: object, properties: {label: {type: string}}}
                run: {command: [./hang.sh], timeoutSeconds: 120}
            """.write(toFile: dir + "/hang.yaml", atomically: true, encoding: .utf8)
        // The grandchild leaves the tool's session: the new worker ends it too.
        try writeScript(dir, "hang.sh", "#!/bin/sh\nsetsid sleep 120 > /dev/null 2>&1 &\necho $! > escaped.pid\necho $$ > hang.pid\nsleep 120\n")
        func worker() throws -> ChildProcess {
            try ChildProcess(binary, ["worker", dir + "/hang.yaml", "--server", server.baseURL, "--log-level", "warning"])
        }
        let first = try worker()
        let client = server.client
        try await client.registerWorkflowDef(WorkflowDef(
            name: "hang_wf", tasks: [WorkflowTask(name: "hang_step", taskReferenceName: "hang", type: "SIMPLE")]))
        _ = try await client.startWorkflow(StartWorkflowRequest(name: "hang_wf"))
        // The shell creates hang.pid before it writes the pid: wait until the file holds one.
        func pid(_ name: String) -> Int32? {
            (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let started = await eventually(timeout: .seconds(20)) { pid("hang.pid") != nil }
        #expect(started, "the tool never started: \(first.stderr)")
        let tool = try #require(pid("hang.pid"))

        // The worker records the tool a moment after starting it; kill it once that is on disk.
        let registered = await eventually(timeout: .seconds(10)) {
            FileManager.default.fileExists(atPath: "\(ToolProcessRegistry.shared.directory)/\(first.pid)-\(tool)")
        }
        #expect(registered)
        #expect(!processIsDead(tool))
        first.signal(SIGKILL)
        _ = await first.wait(timeout: .seconds(5))

        // The tool runs in its own session, so it outlives the worker (sleep 120) until a worker starts on this
        // machine: the one started here, or any other this test suite starts meanwhile (in-process workers too).
        let second = try worker()
        #expect(await eventually(timeout: .seconds(20)) { processIsDead(tool) }, "a starting worker ends the orphaned tool")
        let escaped = try #require(Int32((try String(contentsOfFile: dir + "/escaped.pid", encoding: .utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await eventually(timeout: .seconds(20)) { processIsDead(escaped) }, "and the process that left its session")
        #expect(await eventually(timeout: .seconds(10)) {
            !FileManager.default.fileExists(atPath: "\(ToolProcessRegistry.shared.directory)/\(first.pid)-\(tool)")
        })
        second.signal(SIGTERM)
        _ = await second.wait(timeout: .seconds(15))
        await server.stop()
    }
}
