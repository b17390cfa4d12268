import Foundation
import Testing
import Workflow

@testable import Engine

@Suite struct SchedulingDetailTests {
    @Test func taskToDomainRoutesWorkerTasks() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "routed", "tasks": [{"name": "pick", "taskReferenceName": "p", "type": "SIMPLE"},
                                         {"name": "other", "taskReferenceName": "o", "type": "SIMPLE"}]}
            """)
        let id = try await engine.startWorkflow(
            StartWorkflowRequest(name: "routed", taskToDomain: ["*": "blue", "other": "NO_DOMAIN"], workflowDef: def))
        #expect(try await engine.poll(taskType: "pick", workerID: nil, domain: nil, count: 1, timeout: .milliseconds(20)).isEmpty)
        let p = try #require(try await engine.poll(taskType: "pick", workerID: nil, domain: "blue", count: 1, timeout: .seconds(1)).first)
        try await engine.complete(p, [:])
        let o = try await engine.pollOne("other")
        try await engine.complete(o, [:])
        #expect(try await engine.waitFor(id).status == .completed)
    }

    @Test func taskTimeoutTimesOutTheWorkflow() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        var def = TaskDef(name: "bounded", retryCount: 0, timeoutSeconds: 1, timeoutPolicy: "TIME_OUT_WF", responseTimeoutSeconds: 1)
        def.retryDelaySeconds = 0
        try await engine.registerTaskDefs([def])
        let wf = try decodeDef(#"{"name": "bounded", "tasks": [{"name": "bounded", "taskReferenceName": "b", "type": "SIMPLE"}]}"#)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "bounded", workflowDef: wf))
        _ = try await engine.pollOne("bounded")
        let w = try await engine.waitFor(id, timeout: .seconds(30))
        #expect(w.status == .timedOut)
        #expect(w.tasks.first?.status == .timedOut)
    }

    @Test func truncatedAnswersAndParticipantsShapeTheNextTurn() async throws {
        let llm = ScriptedLLM(responses: [
            ChatResponse(text: "The answer is", finishReason: "LENGTH"),
            ChatResponse(text: "The answer is 42.", finishReason: "STOP"),
        ])
        let engine = try await makeEngine(llm: llm)
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "cont", "tasks": [{"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
              "inputParameters": {"loop": "${loop}", "llm": "${llm}"},
              "loopCondition": "$.loop['iteration'] < 3 && $.llm['finishReason'] == 'LENGTH'",
              "loopOver": [
                {"name": "llm_chat_complete", "taskReferenceName": "llm", "type": "LLM_CHAT_COMPLETE",
                 "inputParameters": {"llmProvider": "openai", "model": "m", "participants": {"feedback": "user"},
                   "messages": [{"role": "system", "message": "sys"}, {"role": "user", "message": "question"}]}},
                {"name": "feedback", "taskReferenceName": "feedback", "type": "INLINE",
                 "inputParameters": {"expression": "'[be concise]'"}}]}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "cont", workflowDef: def))
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        let second = try #require(llm.requests.last)
        #expect(second.messages.map(\.role) == [.system, .user, .user, .user])
        #expect(second.messages[2].content == "You were saying:\n\nThe answer is\n\nPlease continue where you left off.")
        #expect(second.messages[3].content == "[be concise]")
        let storedMessages = try #require(w.task("llm__2")?.inputData["messages"]?.arrayValue)
        #expect(storedMessages.count == 4)
    }

    @Test func assistantHistoryEndsWithAContinueTurn() async throws {
        let llm = ScriptedLLM(responses: [
            ChatResponse(text: "first", finishReason: "STOP"),
            ChatResponse(text: "second", finishReason: "STOP"),
        ])
        let engine = try await makeEngine(llm: llm)
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "again", "tasks": [{"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
              "inputParameters": {"loop": "${loop}"}, "loopCondition": "$.loop['iteration'] < 2",
              "loopOver": [{"name": "llm_chat_complete", "taskReferenceName": "llm", "type": "LLM_CHAT_COMPLETE",
                 "inputParameters": {"llmProvider": "openai", "model": "m", "messages": [{"role": "user", "message": "go"}]}}]}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "again", workflowDef: def))
        #expect(try await engine.waitFor(id).status == .completed)
        #expect(llm.requests.last?.messages == [
            ChatMessage(role: .user, content: "go"), ChatMessage(role: .assistant, content: "first"),
            ChatMessage(role: .user, content: "Please continue where you left off."),
        ])
    }

    @Test func olderToolResultsAreCompacted() {
        var messages: [JSONValue] = (0..<8).map { i in
            ["role": "tool", "message": .string(String(repeating: "x", count: 600)), "name": i == 7 ? "contextbook_write" : "search"]
        }
        Session.compactToolResults(&messages)
        #expect(messages[0]["message"].stringValue?.hasPrefix(String(repeating: "x", count: 500) + "…") == true)
        #expect(messages[1]["message"].stringValue?.count == 500 + "… [truncated]".count)
        #expect(messages[2]["message"].stringValue?.count == 600)
        #expect(messages[6]["message"].stringValue?.count == 600)
        #expect(messages[7]["message"] == "[ok]")
    }

    @Test func aLongSynchronousLoopYieldsToTheSweeper() async throws {
        let engine = try await makeEngine(maxDecideRounds: 5)
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "spin", "tasks": [{"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
              "inputParameters": {"loop": "${loop}"}, "loopCondition": "$.loop['iteration'] < 30",
              "loopOver": [{"name": "step", "taskReferenceName": "step", "type": "INLINE", "inputParameters": {"expression": "1"}}]}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "spin", workflowDef: def))
        #expect(try await engine.workflow(id: id, includeTasks: false)?.status == .running)
        let w = try await engine.waitFor(id, timeout: .seconds(60))
        #expect(w.status == .completed)
        #expect(w.task("loop")?.outputData["iteration"] == 30)
    }
}
