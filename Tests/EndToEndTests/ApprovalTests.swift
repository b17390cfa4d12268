import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

/// Human approval of a tool call: the execution waits (across a server restart), another process answers.
@Suite(.serialized)
struct ApprovalTests {
    static let spec = "Tests/EndToEndTests/Fixtures/ops_approval.yaml"

    /// Starts the approval agent and waits until it asks for approval; returns the execution id.
    static func startAndWaitForApproval(_ stack: LocalStack) async throws -> String {
        let (code, out, err) = try await stack.cli(["start", TestEnvironment.packageRoot + "/" + spec, SeedDemoTests.prompt])
        #expect(code == 0, "\(err)")
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = AgentClient(serverURL: stack.url)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let status = try? await client.status(executionID: id), status.isWaiting == true { return id }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the execution never waited for approval; server: \(stack.server?.stderr ?? "")")
        throw CancellationError()
    }

    @Test func approvalWaitsAcrossAServerRestartThenIsApprovedFromAnotherProcess() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        try stack.startWorker(["Tests/EndToEndTests/Fixtures/ops_approval.yaml"])
        defer { Task { await stack.stopAll() } }
        let id = try await Self.startAndWaitForApproval(stack)

        let status = try await AgentClient(serverURL: stack.url).status(executionID: id)
        #expect(status.pendingTool?["tool_name"] == "restart_service")
        #expect(status.pendingTool?["parameters"] == ["service_name": "payments"])

        await stack.server?.kill9()
        try await stack.startServer()
        let after = try await AgentClient(serverURL: stack.url).status(executionID: id)
        #expect(after.isWaiting == true, "still waiting after the restart")

        let (respond, _, respondErr) = try await stack.cli(["respond", id, "--approve"])
        #expect(respond == 0, "\(respondErr)")
        let (code, events, err) = try await stack.cli(["stream", id, "--json"])
        #expect(code == 0, "\(err)")
        let parsed = events.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let types = parsed.compactMap { $0["type"] as? String }
        #expect(types.contains("waiting"))
        #expect(types.last == "done")
        let waiting = try #require(types.firstIndex(of: "waiting"))
        let restart = parsed.firstIndex { ($0["type"] as? String) == "tool_call" && ($0["toolName"] as? String) == "restart_service" }
        #expect(restart.map { $0 > waiting } == true, "restart_service runs only after the approval: \(types)")
        let output = parsed.last?["output"] as? [String: Any]
        #expect((output?["result"] as? String)?.hasPrefix("Root cause") == true)
    }

    @Test func rejectionEndsTheRunWithTheReasonAndNoRestart() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        try stack.startWorker(["Tests/EndToEndTests/Fixtures/ops_approval.yaml"])
        defer { Task { await stack.stopAll() } }
        let id = try await Self.startAndWaitForApproval(stack)

        let (respond, _, _) = try await stack.cli(["respond", id, "--reject", "not during business hours"])
        #expect(respond == 0)
        let (_, events, _) = try await stack.cli(["stream", id, "--json"])
        let parsed = events.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(!parsed.contains { ($0["toolName"] as? String) == "restart_service" && ($0["type"] as? String) == "tool_call" })
        let output = parsed.last?["output"] as? [String: Any]
        #expect(parsed.last?["type"] as? String == "done")
        // The workflow's own output keeps the last LLM turn's finishReason (as the reference compiles it); the agent
        // API presents a rejected run with finishReason "rejected".
        #expect(output?["rejectionReason"] as? String == "not during business hours")
        #expect(output?["finishReason"] as? String == "rejected")
    }

    @Test func runInATerminalAsksForApprovalInline() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        try stack.startWorker(["Tests/EndToEndTests/Fixtures/ops_approval.yaml"])
        defer { Task { await stack.stopAll() } }
        // `script` gives the CLI a pseudo-terminal; the answer "y" waits in its input until the question comes.
        let answers = try makeTemporaryDirectory() + "/answers"
        try "y\n".write(toFile: answers, atomically: true, encoding: .utf8)
        let command = [TestEnvironment.binary, "run", TestEnvironment.packageRoot + "/" + Self.spec, "'\(SeedDemoTests.prompt)'",
                       "--server", stack.url].joined(separator: " ")
        let terminal = try ChildProcess("/usr/bin/script", ["-qfec", command, "/dev/null"], stdinPath: answers)
        let code = await terminal.wait(timeout: .seconds(90))
        #expect(code == 0, "\(terminal.stdout)\n\(terminal.stderr)")
        #expect(terminal.stdout.contains("[waiting] restart_service({'service_name': 'payments'})"))
        #expect(terminal.stdout.contains("approve?"))
        #expect(terminal.stdout.contains("[tool_call] restart_service({'service_name': 'payments'})"))
        #expect(terminal.stdout.contains("Root cause: database pressure"))
    }
}
