import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

/// A tool that fails for good (its retries spent) reaches the model as an error tool result, and the agent goes on to
/// its final answer (agentspan-compiler.md §7.3–7.4: dynamic tool tasks are optional).
@Suite(.serialized)
struct FailedToolTests {
    static let spec = TestEnvironment.packageRoot + "/Tests/EndToEndTests/Fixtures/failing_tool.yaml"
    static let cassette = TestEnvironment.packageRoot + "/Tests/EndToEndTests/Fixtures/failing_tool.cassette.yaml"

    @Test func aToolThatAlwaysFailsReachesTheModelsNextTurnAndTheRunEndsWithItsAnswer() async throws {
        let stack = try LocalStack(cassette: Self.cassette)
        try await stack.startServer()
        try stack.startWorker(["Tests/EndToEndTests/Fixtures/failing_tool.yaml"])
        defer { Task { await stack.stopAll() } }

        let (code, out, err) = try await stack.cli(["start", Self.spec, "Where is my order A-17?"])
        try #require(code == 0, "\(err)")
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = ConductorClient(baseURL: stack.url)
        var run = try await client.workflow(id: id)
        let deadline = ContinuousClock.now + .seconds(90)
        while !run.status.isTerminal, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            run = try await client.workflow(id: id)
        }

        #expect(run.status == .completed, "\(run.reasonForIncompletion ?? "")\n\(stack.worker?.stderr ?? "")")
        #expect(run.output["result"] == "The order system is unreachable right now, so I could not look up A-17; please try again later.")
        // Three attempts (retryCount 2), the last one recorded as an optional task's failure.
        let attempts = run.tasks.filter { $0.taskDefName == "lookup_order" }
        #expect(attempts.count == 3)
        #expect(attempts.last?.status == .completedWithErrors)
        #expect(attempts.dropLast().allSatisfy { $0.status == .failed })

        // The model was asked again, and that request carried the failure as the tool's result.
        let llm = run.tasks.filter { $0.taskType == "LLM_CHAT_COMPLETE" }
        try #require(llm.count == 2)
        let messages = llm[1].inputData["messages"]?.arrayValue ?? []
        let toolCall = messages.first { $0["role"] == "tool_call" }
        #expect(toolCall?["toolCalls"].arrayValue?.first?["name"] == "lookup_order")
        let tool = try #require(messages.first { $0["role"] == "tool" })
        let result = try JSONValue.parse(tool["message"].stringValue ?? "")
        #expect(result["status"] == "FAILED")
        #expect(result["error"].stringValue?.contains("order database unreachable") == true, "\(result)")

        let (streamCode, events, _) = try await stack.cli(["stream", id, "--json"])
        #expect(streamCode == 0)
        let parsed = events.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(parsed.last?["type"] as? String == "done")
        #expect(parsed.contains { $0["type"] as? String == "error" && $0["toolName"] as? String == "lookup_order" })
    }
}
