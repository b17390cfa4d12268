import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

/// Runtime failures are shown compiler-style at the line of the spec that caused them, relative to the directory
/// the command runs in: in `run`'s output and in `status`'s JSON, for a tool that exits non-zero, times out or gets
/// arguments its schema refuses, a guardrail that raises, a manual pick of an agent that does not exist, and a model
/// whose provider has no key.
@Suite(.serialized)
struct LocatedFailureTests {
    static let fixtures = TestEnvironment.packageRoot + "/Tests/EndToEndTests/Fixtures"
    static let cassette = fixtures + "/located_failures.cassette.yaml"
    /// Where the commands run: the spec files are shown relative to it (`Fixtures/…`).
    static let workingDirectory = TestEnvironment.packageRoot + "/Tests/EndToEndTests"

    /// The 1-based line and column of `needle`'s first character in `file` (found independently of the compiler).
    static func position(of needle: String, in file: String) throws -> (line: Int, column: Int) {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if let range = line.range(of: needle) {
                return (index + 1, line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: range.lowerBound) + 1)
            }
        }
        throw CancellationError()
    }

    /// Runs the CLI in ``workingDirectory`` against `stack`; (exit code, stdout, stderr).
    static func cli(_ stack: LocalStack, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> (Int32?, String, String) {
        let process = try ChildProcess(
            "/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", workingDirectory, TestEnvironment.binary] + arguments + ["--server", stack.url])
        let code = await process.wait(timeout: timeout)
        if code == nil { await process.kill9() }
        return (code, process.stdout, process.stderr)
    }

    /// `status ID`'s JSON.
    static func status(_ stack: LocalStack, _ id: String) async throws -> (JSONValue, String) {
        let (code, out, err) = try await cli(stack, ["status", id])
        try #require(code == 0, "\(err)")
        return (try JSONValue.parse(out), err)
    }

    /// The newest execution of `agent` (each test has a server of its own).
    static func newestExecution(_ stack: LocalStack, agent: String) async throws -> String {
        let found = try await AgentClient(serverURL: stack.url).executions(agentName: agent, limit: 1)
        return try #require(found.results.first?.executionId, "no execution of \(agent)")
    }

    /// Runs `prompt` against located_failures.yaml and checks the tool failure is shown at `tool`'s entry, in the
    /// run's output and in the status JSON; returns the error message the status reports.
    func expectLocatedToolFailure(prompt: String, tool: String) async throws -> String {
        let stack = try LocalStack(cassette: Self.cassette)
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        let spec = Self.fixtures + "/located_failures.yaml"
        let (line, column) = try Self.position(of: "name: \(tool)", in: spec)
        let prefix = "Fixtures/located_failures.yaml:\(line):\(column): error: tool '\(tool)' failed: "

        let (code, out, err) = try await Self.cli(stack, ["run", spec, prompt])
        #expect(code == 0, "the model saw the failure and answered: \(err)")
        #expect(out.split(separator: "\n").contains { $0.hasPrefix(prefix) }, "run printed:\n\(out)")

        let id = try await Self.newestExecution(stack, agent: "located_ops")
        let (status, statusErr) = try await Self.status(stack, id)
        let failure = try #require(status["errors"].arrayValue?.first { $0["toolName"] == .string(tool) }, "\(status.jsonText())")
        #expect(status["errors"].arrayValue?.count == 1, "one failed call (its last attempt), nothing that only passed it on: \(status.jsonText())")
        #expect(failure["location"]["file"] == "Fixtures/located_failures.yaml")
        #expect(failure["location"]["line"] == .int(line))
        #expect(failure["location"]["column"] == .int(column))
        #expect(failure["location"]["kind"] == "tool")
        #expect(failure["diagnostic"].stringValue?.hasPrefix(prefix) == true, "\(failure.jsonText())")
        #expect(statusErr.contains(prefix), "status also prints the line on stderr: \(statusErr)")
        return failure["message"].stringValue ?? ""
    }

    @Test func aToolThatExitsNonZeroIsShownAtItsEntry() async throws {
        let message = try await expectLocatedToolFailure(prompt: "Check the exit code tool.", tool: "exits_nonzero")
        #expect(message.contains("disk on fire") || message.contains("3"), "\(message)")
    }

    @Test func aToolThatTimesOutIsShownAtItsEntry() async throws {
        let message = try await expectLocatedToolFailure(prompt: "Check the timeout tool.", tool: "hangs")
        #expect(message.lowercased().contains("time"), "\(message)")
    }

    @Test func aToolCallItsSchemaRefusesIsShownAtItsEntry() async throws {
        let message = try await expectLocatedToolFailure(prompt: "Check the schema tool.", tool: "counts")
        #expect(message.contains("count"), "\(message)")
    }

    @Test func aGuardrailThatRaisesIsShownAtItsEntry() async throws {
        let stack = try LocalStack(cassette: Self.cassette)
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        let spec = Self.fixtures + "/located_guardrail.yaml"
        let (line, column) = try Self.position(of: "name: no_secrets", in: spec)
        let prefix = "Fixtures/located_guardrail.yaml:\(line):\(column): error: "

        let (code, out, _) = try await Self.cli(stack, ["run", spec, "Say the guardrail code."])
        #expect(code == 1, "the run fails")
        #expect(out.contains(prefix + "guardrail failed: "), "run printed:\n\(out)")

        let id = try await Self.newestExecution(stack, agent: "strict_writer")
        let (status, _) = try await Self.status(stack, id)
        #expect(status["status"] == "FAILED" || status["status"] == "TERMINATED", "\(status.jsonText())")
        let failure = try #require(status["errors"].arrayValue?.first, "\(status.jsonText())")
        #expect(failure["location"]["file"] == "Fixtures/located_guardrail.yaml")
        #expect(failure["location"]["line"] == .int(line))
        #expect(failure["location"]["kind"] == "guardrail")
        #expect(failure["diagnostic"].stringValue?.hasPrefix(prefix + "guardrail failed: ") == true, "\(failure.jsonText())")
    }

    @Test func aManualPickOfAnAgentThatDoesNotExistIsShownAtTheAgentsList() async throws {
        let stack = try LocalStack(cassette: TestEnvironment.packageRoot + "/specs/examples/manual.cassette.yaml")
        try await stack.startServer()
        try stack.startWorker(["specs/examples/manual.yaml"])
        defer { Task { await stack.stopAll() } }
        let spec = TestEnvironment.packageRoot + "/specs/examples/manual.yaml"
        let (line, column) = try Self.position(of: "agents:", in: spec)

        let (startCode, started, startErr) = try await Self.cli(stack, ["start", spec, "Write about tides."])
        try #require(startCode == 0, "\(startErr)")
        let id = started.trimmingCharacters(in: .whitespacesAndNewlines)
        let deadline = ContinuousClock.now + .seconds(90)
        var waiting = false
        while !waiting, ContinuousClock.now < deadline {
            waiting = try await Self.status(stack, id).0["isWaiting"] == true
            if !waiting { try await Task.sleep(for: .milliseconds(200)) }
        }
        try #require(waiting, "the execution never waited for a pick")
        let (respondCode, _, respondErr) = try await Self.cli(stack, ["respond", id, "--json", #"{"selected": "nobody"}"#])
        try #require(respondCode == 0, "\(respondErr)")

        let (streamCode, streamed, _) = try await Self.cli(stack, ["stream", id])
        #expect(streamCode == 1)
        let prefix = "../../specs/examples/manual.yaml:\(line):\(column): error: handoff failed: "
        #expect(streamed.contains(prefix), "stream printed:\n\(streamed)")

        let (status, _) = try await Self.status(stack, id)
        let failure = try #require(status["errors"].arrayValue?.first { $0["location"]["kind"] == "handoff" }, "\(status.jsonText())")
        #expect(failure["location"]["file"] == "../../specs/examples/manual.yaml")
        #expect(failure["location"]["line"] == .int(line))
        #expect(failure["message"].stringValue?.contains("nobody") == true)
    }

    @Test func aModelCallWithoutAKeyIsShownAtTheModel() async throws {
        let stack = try LocalStack(cassette: nil)
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        let spec = Self.fixtures + "/located_nokey.yaml"
        let (line, column) = try Self.position(of: "mistral/", in: spec)
        let prefix = "Fixtures/located_nokey.yaml:\(line):\(column): error: model call failed: "

        let (code, out, _) = try await Self.cli(stack, ["run", spec, "Hello?"])
        #expect(code == 1)
        #expect(out.contains(prefix), "run printed:\n\(out)")
        #expect(out.contains("MISTRAL_API_KEY"), "the message says what to set:\n\(out)")

        let id = try await Self.newestExecution(stack, agent: "keyless")
        let (status, _) = try await Self.status(stack, id)
        let failure = try #require(status["errors"].arrayValue?.first { $0["location"]["kind"] == "llm" }, "\(status.jsonText())")
        #expect(failure["location"]["file"] == "Fixtures/located_nokey.yaml")
        #expect(failure["location"]["line"] == .int(line))
        #expect(failure["location"]["column"] == .int(column))
        #expect(failure["diagnostic"].stringValue?.hasPrefix(prefix) == true)
    }
}
