import Foundation
import Testing
import Workflow

@testable import Engine

@Suite struct SubWorkflowAndWaitingTests {
    @Test func subWorkflowByNameAndInline() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        try await engine.registerWorkflowDef(
            try decodeDef(
                """
                {"name": "child", "version": 2, "tasks": [{"name": "child_work", "taskReferenceName": "cw", "type": "SIMPLE",
                  "inputParameters": {"x": "${workflow.input.x}"}}], "outputParameters": {"doubled": "${cw.output.y}"}}
                """), overwrite: false)
        let parentDef = try decodeDef(
            """
            {"name": "parent", "tasks": [
              {"name": "child", "taskReferenceName": "by_name", "type": "SUB_WORKFLOW", "subWorkflowParam": {"name": "child"},
               "inputParameters": {"x": "${workflow.input.x}"}},
              {"name": "inline_child", "taskReferenceName": "inline", "type": "SUB_WORKFLOW",
               "subWorkflowParam": {"name": "inline_child", "workflowDefinition": {"name": "inline_child", "tasks": [
                 {"name": "i", "taskReferenceName": "i", "type": "INLINE", "inputParameters": {"expression": "$.v + 1", "v": "${workflow.input.v}"}}],
                 "outputParameters": {"result": "${i.output.result}"}}},
               "inputParameters": {"v": "${by_name.output.doubled}"}}],
             "outputParameters": {"final": "${inline.output.result}", "child": "${by_name.output.subWorkflowId}"}}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "parent", input: ["x": 4], workflowDef: parentDef))
        var parent = try #require(try await engine.workflow(id: id, includeTasks: true))
        let subTask = try #require(parent.task("by_name"))
        #expect(subTask.status == .inProgress)
        let childID = try #require(subTask.subWorkflowId)
        let child = try #require(try await engine.workflow(id: childID, includeTasks: false))
        #expect(child.parentWorkflowId == id)
        #expect(child.parentWorkflowTaskId == subTask.taskId)
        #expect(child.workflowVersion == 2)
        #expect(child.input == ["x": 4])

        let work = try await engine.pollOne("child_work")
        #expect(work.inputData == ["x": 4])
        try await engine.complete(work, ["y": 8])
        parent = try await engine.waitFor(id)
        #expect(parent.status == .completed)
        #expect(parent.output == ["final": 9, "child": .string(childID)])
        #expect(parent.task("by_name")?.outputData["doubled"] == 8)

        let journal = try await engine.journal(rootWorkflowID: id, afterSeq: 0)
        let childEntries = journal.filter { $0.workflowID != id }
        #expect(childEntries.count > 4)
        #expect(childEntries.allSatisfy { $0.rootWorkflowID == id && $0.parentWorkflowID == id })
        #expect(journal.filter { $0.kind == .workflowStarted }.count == 3)
    }

    @Test func failedChildFailsTheParentTask() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "p", "tasks": [{"name": "c", "taskReferenceName": "c", "type": "SUB_WORKFLOW",
              "subWorkflowParam": {"name": "c", "workflowDefinition": {"name": "c", "tasks": [
                {"name": "t", "taskReferenceName": "t", "type": "TERMINATE", "inputParameters": {"terminationStatus": "FAILED", "terminationReason": "nope"}}]}}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "p", workflowDef: def))
        let w = try await engine.waitFor(id)
        #expect(w.status == .failed)
        #expect(w.task("c")?.status == .failed)
        #expect(w.task("c")?.reasonForIncompletion?.contains("nope") == true)
    }

    @Test func terminatingTheParentTerminatesTheChild() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "p", "tasks": [{"name": "c", "taskReferenceName": "c", "type": "SUB_WORKFLOW",
              "subWorkflowParam": {"name": "c", "workflowDefinition": {"name": "c", "tasks": [{"name": "h", "taskReferenceName": "h", "type": "HUMAN"}]}}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "p", workflowDef: def))
        let childID = try #require(try await engine.workflow(id: id, includeTasks: true)?.task("c")?.subWorkflowId)
        try await engine.terminate(workflowID: id, reason: "user stop")
        #expect(try await engine.workflow(id: id, includeTasks: false)?.status == .terminated)
        let child = try #require(try await engine.workflow(id: childID, includeTasks: true))
        #expect(child.status == .terminated)
        #expect(child.tasks.first?.status == .canceled)
    }

    @Test func humanTaskWaitsUntilCompletedByRef() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "approve", "tasks": [
              {"name": "ask", "taskReferenceName": "ask", "type": "HUMAN", "inputParameters": {"q": "ok?"}},
              {"name": "after", "taskReferenceName": "after", "type": "INLINE", "inputParameters": {"expression": "$.a", "a": "${ask.output.approved}"}}],
             "outputParameters": {"approved": "${after.output.result}", "note": "${ask.output.note}"}}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "approve", workflowDef: def))
        var w = try #require(try await engine.workflow(id: id, includeTasks: true))
        #expect(w.task("ask")?.status == .inProgress)
        #expect(try await engine.poll(taskType: "ask", workerID: nil, domain: nil, count: 1, timeout: .milliseconds(10)).isEmpty)
        let journal = try await engine.journal(rootWorkflowID: id, afterSeq: 0)
        #expect(journal.map(\.kind) == [.workflowStarted, .taskScheduled, .taskStarted])
        #expect(try await engine.updateTask(workflowID: id, taskRefName: "nope", status: .completed, output: [:]) == nil)
        _ = try await engine.updateTask(workflowID: id, taskRefName: "ask", status: .inProgress, output: ["note": "looking"])
        let taskID = try await engine.updateTask(workflowID: id, taskRefName: "ask", status: .completed, output: ["approved": true])
        #expect(taskID == w.task("ask")?.taskId)
        w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.output == ["approved": true, "note": "looking"])
    }

    @Test func waitTaskEndsAfterItsDuration() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "wait", "tasks": [{"name": "w", "taskReferenceName": "w", "type": "WAIT", "inputParameters": {"duration": "1s"}}]}
            """)
        let started = ContinuousClock.now
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "wait", workflowDef: def))
        #expect(try await engine.workflow(id: id, includeTasks: true)?.task("w")?.status == .inProgress)
        let w = try await engine.waitFor(id, timeout: .seconds(5))
        #expect(w.status == .completed)
        #expect(ContinuousClock.now - started >= .seconds(1))
        #expect(Session.parseDuration("1d 2h 3m 4s") == 93784)
        #expect(Session.parseDuration("5 minutes") == 300)
        #expect(Session.parseDuration("soon") == nil)
    }
}
