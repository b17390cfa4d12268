import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

/// Killing processes mid-run loses nothing: the execution completes with its full event history.
@Suite(.serialized)
struct DurabilityTests {
    static let prompt = SeedDemoTests.prompt
    /// The event types of the uninterrupted seed run.
    static let expectedTypes = [
        "thinking", "tool_call", "tool_result", "thinking", "tool_call", "tool_result", "thinking",
        "tool_call", "tool_result", "tool_call", "tool_result", "thinking", "tool_call", "tool_result", "done",
    ]

    /// The event types without timed-out attempts (a `tool_call` followed by its `error`).
    static func withoutLostAttempts(_ types: [String]) -> [String] {
        var out: [String] = []
        for type in types {
            if type == "error", out.last == "tool_call" { out.removeLast(); continue }
            out.append(type)
        }
        return out
    }

    @Test(arguments: [60, 180, 350, 600])
    func serverKilledMidRunContinuesAfterRestart(delayMs: Int) async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        try stack.startWorker()
        defer { Task { await stack.stopAll() } }

        let (code, out, err) = try await stack.cli(["start", "specs/ops_agent.yaml", Self.prompt])
        #expect(code == 0, "\(err)")
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        try await Task.sleep(for: .milliseconds(delayMs))
        await stack.server?.kill9()
        try await stack.startServer()

        let (streamCode, events, streamErr) = try await stack.cli(["stream", id, "--json"])
        #expect(streamCode == 0, "\(streamErr)\nserver: \(stack.server?.stderr ?? "")")
        let parsed = events.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        // The full history, numbered without gaps. A kill can land after a poll committed a task as handed out but
        // before the worker read the answer: that attempt then times out (an `error` event) and the call is handed
        // out again, as with any Conductor server; everything else is exactly the uninterrupted run.
        let types = parsed.compactMap { $0["type"] as? String }
        #expect(parsed.compactMap { $0["id"] as? Int } == Array(1...max(parsed.count, 1)))
        #expect(Self.withoutLostAttempts(types) == Self.expectedTypes, "events:\n\(events)")
        let done = try #require(parsed.last)
        let output = try #require(done["output"] as? [String: Any])
        #expect((output["result"] as? String)?.hasPrefix("Root cause: database pressure") == true)

        // Nothing the engine did was done twice: every call completed exactly once, every model turn ran once.
        let workflow = try await AgentClient(serverURL: stack.url).workflow(executionID: id)
        let tools = workflow.tasks.filter { $0.inputData["method"] != nil && $0.status == .completed }
        #expect(tools.count == 5, "\(tools.map(\.referenceTaskName))")
        #expect(Set(tools.map(\.referenceTaskName)).count == 5)
        let llmCalls = workflow.tasks.filter { $0.taskType == "LLM_CHAT_COMPLETE" && $0.status == .completed }
        #expect(llmCalls.count == 5)
    }

    @Test(arguments: [40, 150, 300])
    func workerKilledMidRunThenANewWorkerFinishesIt(delayMs: Int) async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        // A short response timeout: a call the dead worker held is handed out again within seconds. Wait until the
        // worker registered it, or the calls get the server's default (an hour).
        try stack.startWorker(extra: ["--response-timeout", "2"])
        defer { Task { await stack.stopAll() } }
        let conductor = ConductorClient(baseURL: stack.url)
        for _ in 0..<200 {
            if let defs = try? await conductor.taskDefs(), defs.contains(where: { $0.name == "check_service" && $0.responseTimeoutSeconds == 2 }) {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }

        let (_, out, _) = try await stack.cli(["start", "specs/ops_agent.yaml", Self.prompt])
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        try await Task.sleep(for: .milliseconds(delayMs))
        await stack.worker?.kill9()
        try stack.startWorker(extra: ["--response-timeout", "2"])

        let (code, events, err) = try await stack.cli(["stream", id, "--json"])
        #expect(code == 0, "\(err)")
        let parsed = events.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(parsed.compactMap { $0["id"] as? Int } == Array(1...parsed.count))
        #expect(parsed.last?["type"] as? String == "done")
        let results = parsed.filter { $0["type"] as? String == "tool_result" }.compactMap { $0["toolName"] as? String }
        #expect(results.sorted() == ["check_service", "check_service", "get_recent_logs", "get_recent_logs", "restart_service"],
                "every call got its result, a call the dead worker held included: \(results)")
        let output = parsed.last?["output"] as? [String: Any]
        #expect((output?["result"] as? String)?.hasPrefix("Root cause: database pressure") == true)
    }

    @Test func streamConsumerKilledMidRunThenStreamPicksUp() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }

        // No worker yet: the run stops at the first tool call, a consumer attaches, and is killed.
        let (_, out, _) = try await stack.cli(["start", "specs/ops_agent.yaml", Self.prompt])
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let consumer = try ChildProcess(TestEnvironment.binary, ["stream", id, "--json", "--server", stack.url])
        try await Task.sleep(for: .milliseconds(800))
        #expect(consumer.stdout.contains("\"thinking\""), "the consumer saw the first step before it died")
        await consumer.kill9()

        try stack.startWorker()
        let (code, events, _) = try await stack.cli(["stream", id, "--json"])
        #expect(code == 0)
        let types = events.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["type"] as? String
        }
        #expect(types == Self.expectedTypes)
    }

    @Test func ctrlCOfARunServingToolsStopsThemAndTheRunCanBePickedUp() async throws {
        // A copy of the ops agent whose first check_service call hangs (and records its pid).
        let dir = try makeTemporaryDirectory()
        try FileManager.default.copyItem(atPath: TestEnvironment.packageRoot + "/specs/tools", toPath: dir + "/tools")
        let slowOnce = dir + "/tools/slow_once.sh"
        try """
            #!/bin/sh
            here=$(dirname "$0")
            if [ -e "$here/slow" ]; then rm -f "$here/slow"; echo $$ > "$here/pid"; sleep 60; fi
            exec "$here/check_service.py" "$@"
            """.write(toFile: slowOnce, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: slowOnce)
        #expect(FileManager.default.createFile(atPath: dir + "/tools/slow", contents: nil))
        let spec = try String(contentsOfFile: TestEnvironment.packageRoot + "/specs/ops_agent.yaml", encoding: .utf8)
            .replacingOccurrences(of: "./tools/check_service.py", with: "./tools/slow_once.sh")
        try spec.write(toFile: dir + "/ops_agent.yaml", atomically: true, encoding: .utf8)

        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        let run = try ChildProcess(TestEnvironment.binary, ["run", dir + "/ops_agent.yaml", Self.prompt, "--json", "--server", stack.url])
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: dir + "/tools/pid"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let toolPID = try #require(Int32((try? String(contentsOfFile: dir + "/tools/pid", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), "the slow tool never started: \(run.stderr)")

        // The run learnt its execution id before the model's first turn; give a loaded machine a moment anyway.
        try await Task.sleep(for: .milliseconds(300))
        run.signal(SIGINT)
        #expect(await run.wait(timeout: .seconds(20)) == 130, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("stopping the tools served here; the execution goes on (attach again with `agentspanc stream "))
        #expect(await eventually { processIsDead(toolPID) }, "the tool process outlived the run that served it")

        // The execution went on without anyone serving it; attaching with --serve finishes it.
        let id = try #require(run.stderr.components(separatedBy: "`agentspanc stream ").dropFirst().first?
            .split(separator: " ").first.map(String.init))
        let (code, out, err) = try await stack.cli(["stream", id, "--serve", dir + "/ops_agent.yaml"])
        #expect(code == 0, "stderr: \(err)\nserver: \(stack.server?.stderr ?? "")")
        #expect(out.contains("[tool_result] check_service → {'error_rate': '34%', 'status': 'unhealthy', 'uptime': '2m'}"))
        #expect(out.contains("[done]"))
    }

    @Test func ctrlCOfARunMidCallOfANonIdempotentToolNeverRunsItAgain() async throws {
        // A copy of the ops agent whose restart_service (idempotent: false) records each start and hangs.
        let dir = try makeTemporaryDirectory()
        try FileManager.default.copyItem(atPath: TestEnvironment.packageRoot + "/specs/tools", toPath: dir + "/tools")
        let slowRestart = dir + "/tools/slow_restart.sh"
        try """
            #!/bin/sh
            here=$(dirname "$0")
            echo $$ >> "$here/restarts"
            sleep 60
            exec "$here/restart_service.py" "$@"
            """.write(toFile: slowRestart, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: slowRestart)
        let spec = try String(contentsOfFile: TestEnvironment.packageRoot + "/specs/ops_agent.yaml", encoding: .utf8)
            .replacingOccurrences(of: "./tools/restart_service.py", with: "./tools/slow_restart.sh")
        try spec.write(toFile: dir + "/ops_agent.yaml", atomically: true, encoding: .utf8)
        func restarts() -> [Substring] {
            ((try? String(contentsOfFile: dir + "/tools/restarts", encoding: .utf8)) ?? "").split(separator: "\n")
        }

        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        let run = try ChildProcess(TestEnvironment.binary, ["run", dir + "/ops_agent.yaml", Self.prompt, "--json", "--server", stack.url])
        let started = await eventually(timeout: .seconds(60)) { restarts().count == 1 }
        #expect(started, "restart_service never started: \(run.stderr)")
        run.signal(SIGINT)
        #expect(await run.wait(timeout: .seconds(20)) == 130, "stderr: \(run.stderr)")
        let id = try #require(run.stderr.components(separatedBy: "`agentspanc stream ").dropFirst().first?
            .split(separator: " ").first.map(String.init))

        // Attaching with --serve serves the tools again; the interrupted restart is not handed out again.
        let (_, out, err) = try await stack.cli(["stream", id, "--serve", dir + "/ops_agent.yaml", "--json"])
        let execution = try await ConductorClient(baseURL: stack.url).workflow(id: id, includeTasks: true)
        #expect(execution.status.isTerminal, "stderr: \(err)\n\(out)")
        let calls = execution.tasks.filter { $0.taskDefName == "restart_service" || $0.taskType == "restart_service" }
        #expect(calls.count == 1, "\(calls.map(\.status))")
        // Tool calls are optional tasks: a terminal failure shows as COMPLETED_WITH_ERRORS and the model reads it.
        #expect(calls.first.map { [.failedWithTerminalError, .completedWithErrors].contains($0.status) } == true)
        #expect(calls.first?.reasonForIncompletion?.contains("not idempotent, so it is not run again") == true)
        #expect(restarts().count == 1)
    }
}
