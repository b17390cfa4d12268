import ConductorClient
import Foundation
import TestSupport
import Testing

/// The seed's operations agent, end to end: real server, real worker and real CLI processes.
@Suite(.serialized)
struct SeedDemoTests {
    static let prompt = "The payments service is throwing 503s. Investigate and fix it."

    @Test func runStreamsTheInvestigationStepByStep() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        try stack.startWorker()
        defer { Task { await stack.stopAll() } }

        // Server, worker and client as three processes: the run leaves the tools to the worker.
        let (code, out, err) = try await stack.cli(["run", "specs/ops_agent.yaml", Self.prompt, "--no-worker"])
        #expect(code == 0, "stderr: \(err)\nworker: \(stack.worker?.stderr ?? "")\nserver: \(stack.server?.stderr ?? "")")
        let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let expected = [
            "[thinking] The payments service is throwing 503s. I should check its health first before taking any action.",
            "[tool_call] check_service({'service_name': 'payments'})",
            "[tool_result] check_service → {'error_rate': '34%', 'status': 'unhealthy', 'uptime': '2m'}",
            "[thinking] Payments is unhealthy with a 34% error rate and has only been up for 2 minutes. Let me check the recent logs.",
            "[tool_call] get_recent_logs({'service_name': 'payments'})",
        ]
        #expect(Array(lines.prefix(expected.count)) == expected, "output:\n\(out)")
        #expect(out.contains("[tool_result] get_recent_logs → {'logs': ['ERROR: connection timeout to database:5432'"))
        #expect(out.contains("[tool_call] check_service({'service_name': 'database'})"))
        #expect(out.contains("[tool_call] get_recent_logs({'service_name': 'database'})"))
        #expect(out.contains("[tool_result] check_service → {'error_rate': '8%', 'status': 'degraded', 'uptime': '6h'}"))
        #expect(out.contains("[tool_call] restart_service({'service_name': 'payments'})"))
        #expect(out.contains("[tool_result] restart_service → {'service': 'payments', 'status': 'restarted'}"))
        let done = try #require(lines.firstIndex(of: "[done]"))
        #expect(lines[(done + 1)...].joined(separator: " ").hasPrefix("Root cause: database pressure (91% disk, slow query queue)"))
        #expect(lines.filter { $0.hasPrefix("[tool_call]") }.count == 5)
        #expect(lines.filter { $0.hasPrefix("[tool_result]") }.count == 5)
    }

    @Test func runServesTheSpecsToolsItselfWhenNoWorkerIsRunning() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }

        let (code, out, err) = try await stack.cli(["run", "specs/ops_agent.yaml", Self.prompt, "--json"])
        #expect(code == 0, "stderr: \(err)\nserver: \(stack.server?.stderr ?? "")")
        let events = out.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(events.filter { $0["type"] as? String == "tool_result" }.count == 5)
        #expect(events.last?["type"] as? String == "done")
        #expect(!err.contains("no worker has taken"))
        // The worker's task definitions were in place before the first call was scheduled: every call carries the
        // short response timeout that heartbeats keep alive, not the server's default for unknown tools.
        let id = try #require(events.first?["executionId"] as? String)
        let workflow = try await AgentClient(serverURL: stack.url).workflow(executionID: id)
        let calls = workflow.tasks.filter { $0.inputData["method"] != nil }
        #expect(calls.count == 5)
        #expect(calls.allSatisfy { $0.responseTimeoutSeconds == 30 }, "\(calls.map(\.responseTimeoutSeconds))")
    }

    @Test func aRunWhoseToolsNobodyServesSaysSoInsteadOfLookingHung() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }

        let spec = TestEnvironment.packageRoot + "/specs/ops_agent.yaml"
        let process = try ChildProcess(TestEnvironment.binary, ["run", spec, Self.prompt, "--no-worker", "--server", stack.url])
        let deadline = ContinuousClock.now + .seconds(60)
        while !process.stderr.contains("no worker has taken"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        await process.kill9()
        #expect(process.stderr.contains("note: no worker has taken 'check_service' for 10 s. Serve the spec's tools with `agentspanc worker \(spec)`"),
                "stderr: \(process.stderr)")
        #expect(process.stdout.contains("[thinking] The payments service is throwing 503s."))
        #expect(!process.stdout.contains("[tool_call]"))
    }

    @Test func runTimeoutGivesUpWaitingButNotTheExecution() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        // Nobody serves the tools, so the run cannot finish; the command stops waiting after 5 s (the first model
        // turn, a cassette, is printed well before that even on a loaded machine).
        let (code, out, err) = try await stack.cli(["run", "specs/ops_agent.yaml", Self.prompt, "--no-worker", "--timeout", "5"])
        #expect(code == 124, "stderr: \(err)")
        #expect(out.contains("[thinking] The payments service is throwing 503s."))
        let id = try #require(err.components(separatedBy: "`agentspanc stream ").dropFirst().first?
            .split(separator: "`").first.map(String.init), "\(err)")
        #expect(err.contains("still running after 5"))
        let status = try await AgentClient(serverURL: stack.url).status(executionID: id)
        #expect(status.isRunning, "the execution goes on")
    }

    @Test func executionsAndAgentsListWhatRanNewestFirst() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        try stack.startWorker()
        defer { Task { await stack.stopAll() } }
        let (_, first, _) = try await stack.cli(["start", "specs/ops_agent.yaml", Self.prompt])
        _ = try await stack.cli(["run", "specs/ops_agent.yaml", Self.prompt, "--no-stream", "--no-worker"])
        let (_, second, _) = try await stack.cli(["start", "specs/ops_agent.yaml", Self.prompt])
        let ids = [second, first].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

        let (code, table, err) = try await stack.cli(["executions", "--limit", "3"])
        #expect(code == 0, "\(err)")
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("EXECUTION") == true, "\(table)")
        let listed = lines.dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(listed.count == 3 && [listed[0], listed[2]] == ids, "newest first: \(table)")
        #expect(lines.dropFirst().allSatisfy { $0.contains("ops_agent") })

        let (_, json, _) = try await stack.cli(["executions", "--status", "completed", "--json"])
        let search = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let results = try #require(search["results"] as? [[String: Any]])
        #expect(!results.isEmpty && results.allSatisfy { $0["status"] as? String == "COMPLETED" }, "\(json)")

        let (agentsCode, agents, _) = try await stack.cli(["agents"])
        #expect(agentsCode == 0)
        #expect(agents.split(separator: "\n").dropFirst().first?.hasPrefix("ops_agent") == true, "\(agents)")

        let (badCode, _, bad) = try await stack.cli(["executions", "--status", "DONE"])
        #expect(badCode == 64)
        #expect(bad.contains("unknown --status 'DONE'"))
    }

    @Test func startThenStreamWithServeRunsTheToolsWhileAttached() async throws {
        // The seed's reconnect pattern: serve(agent, blocking: false) + AgentHandle(id).stream(), as CLI commands.
        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }

        let (startCode, started, startErr) = try await stack.cli(["start", "specs/ops_agent.yaml", Self.prompt])
        #expect(startCode == 0, "\(startErr)")
        let id = started.trimmingCharacters(in: .whitespacesAndNewlines)
        let (code, out, err) = try await stack.cli(["stream", id, "--serve", "specs/ops_agent.yaml"])
        #expect(code == 0, "stderr: \(err)\nserver: \(stack.server?.stderr ?? "")")
        let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "[thinking] The payments service is throwing 503s. I should check its health first before taking any action.")
        #expect(lines.filter { $0.hasPrefix("[tool_result]") }.count == 5)
        #expect(lines.contains("[done]"))
    }

    @Test func noStreamPrintsOnlyTheAnswerAndJSONPrintsEvents() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        try stack.startWorker()
        defer { Task { await stack.stopAll() } }

        let (code, out, err) = try await stack.cli(["run", "specs/ops_agent.yaml", Self.prompt, "--no-stream"])
        #expect(code == 0, "stderr: \(err)")
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("Root cause: database pressure"))
        #expect(!out.contains("[tool_call]"))

        let (jsonCode, jsonOut, _) = try await stack.cli(["run", "specs/ops_agent.yaml", Self.prompt, "--json"])
        #expect(jsonCode == 0)
        let events = jsonOut.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let types = events.compactMap { $0["type"] as? String }
        #expect(types.first == "thinking")
        #expect(types.last == "done")
        #expect(types.filter { $0 == "tool_call" }.count == 5)
        let ids = events.compactMap { $0["id"] as? Int }
        #expect(ids == Array(1...ids.count), "ids must be consecutive from 1")
        let firstCall = try #require(events.first { $0["type"] as? String == "tool_call" })
        #expect(firstCall["toolName"] as? String == "check_service")
        #expect((firstCall["args"] as? [String: Any])?.keys.sorted() == ["service_name"])
    }
}
