import Foundation
import Synchronization
import Testing
import Workflow

@testable import Engine

/// An LLM provider whose calls never return (the process "dies" during the call).
final class HangingLLM: LLMProvider {
    let calls = Mutex(0)
    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        calls.withLock { $0 += 1 }
        try await Task.sleep(for: .seconds(3600))
        throw LLMError(message: "unreachable")
    }
}

@Suite struct DurabilityTests {
    static let def = """
        {"name": "durable", "tasks": [
          {"name": "a", "taskReferenceName": "a", "type": "SIMPLE"},
          {"name": "llm_chat_complete", "taskReferenceName": "llm", "type": "LLM_CHAT_COMPLETE",
           "inputParameters": {"llmProvider": "openai", "model": "m", "messages": [{"role": "user", "message": "${a.output.q}"}]}},
          {"name": "b", "taskReferenceName": "b", "type": "SIMPLE", "inputParameters": {"answer": "${llm.output.result}"}},
          {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN"},
          {"name": "c", "taskReferenceName": "c", "type": "SIMPLE"}],
         "outputParameters": {"answer": "${llm.output.result}", "c": "${c.output.done}"}}
        """

    @Test func anExecutionSurvivesTheLossOfItsEngine() async throws {
        let path = temporaryDatabasePath()
        let llmA = ScriptedLLM(responses: [ChatResponse(text: "forty-two", finishReason: "STOP")])
        var engineA: WorkflowEngine? = try await makeEngine(path: path, llm: llmA)
        weak let weakA = engineA
        let id = try await engineA!.startWorkflow(StartWorkflowRequest(name: "durable", input: [:], workflowDef: try decodeDef(Self.def)))
        try await engineA!.complete(try await engineA!.pollOne("a"), ["q": "meaning?"])
        let b = try await engineA!.pollOne("b")
        #expect(b.inputData["answer"] == "forty-two")
        engineA = nil  // dropped without shutdown, with a task handed to a worker
        let deadline = ContinuousClock.now + .seconds(15)
        while weakA != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(weakA == nil, "background work keeps the dropped engine alive")

        let llmB = ScriptedLLM(responses: [])
        let engineB = try await makeEngine(path: path, llm: llmB)
        defer { Task { await engineB.shutdown() } }
        #expect(try await engineB.workflow(id: id, includeTasks: false)?.status == .running)
        try await engineB.complete(b, ["ok": true])  // the worker survived and reports to the new engine
        #expect(try await engineB.updateTask(workflowID: id, taskRefName: "approve", status: .completed, output: [:]) != nil)
        try await engineB.complete(try await engineB.pollOne("c"), ["done": true])
        let w = try await engineB.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.output == ["answer": "forty-two", "c": true])
        #expect(w.tasks.map(\.referenceTaskName) == ["a", "llm", "b", "approve", "c"])
        #expect(w.tasks.allSatisfy { $0.status == .completed && ($0.pollCount ?? 0) <= 1 && $0.retryCount == 0 })
        #expect(llmA.requests.count == 1)
        #expect(llmB.requests.isEmpty)
        let journal = try await engineB.journal(rootWorkflowID: id, afterSeq: 0)
        #expect(journal.filter { $0.kind == .taskEnded }.count == 5)
        #expect(journal.filter { $0.kind == .taskScheduled }.count == 5)
    }

    @Test func anLLMCallInFlightAtTheCrashIsRunOnceMoreAfterRestart() async throws {
        let path = temporaryDatabasePath()
        let hanging = HangingLLM()
        let engineA = try await makeEngine(path: path, llm: hanging)
        let id = try await engineA.startWorkflow(StartWorkflowRequest(name: "durable", workflowDef: try decodeDef(Self.def)))
        try await engineA.complete(try await engineA.pollOne("a"), ["q": "meaning?"])
        _ = try await engineA.waitFor(id, until: { $0.task("llm")?.status == .inProgress })
        engineA.halt()

        let llmB = ScriptedLLM(responses: [ChatResponse(text: "forty-two", finishReason: "STOP")])
        let engineB = try await makeEngine(path: path, llm: llmB)
        defer { Task { await engineB.shutdown() } }
        let b = try await engineB.pollOne("b", timeout: .seconds(60))  // the restarted engine re-runs the LLM call first
        #expect(b.inputData["answer"] == "forty-two")
        #expect(hanging.calls.withLock { $0 } == 1)
        #expect(llmB.requests.count == 1)
        let w = try #require(try await engineB.workflow(id: id, includeTasks: true))
        #expect(w.tasks.filter { $0.referenceTaskName == "llm" }.count == 1)
        #expect(w.task("llm")?.status == .completed)
    }
}
