import Foundation
import Testing
import Workflow

@testable import Engine

@Suite struct ControlOperationTests {
    static let def = """
        {"name": "ops", "version": 1, "tasks": [
          {"name": "one", "taskReferenceName": "one", "type": "SIMPLE", "retryCount": 0},
          {"name": "two", "taskReferenceName": "two", "type": "SIMPLE", "retryCount": 0}],
         "outputParameters": {"two": "${two.output.v}"}}
        """

    @Test func pauseStopsSchedulingAndResumeContinues() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        try await engine.registerWorkflowDef(try decodeDef(Self.def), overwrite: true)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "ops"))
        let one = try await engine.pollOne("one")
        try await engine.pause(workflowID: id)
        await #expect(throws: EngineError.self) { try await engine.resume(workflowID: "missing") }
        try await engine.complete(one, [:])
        #expect(try await engine.workflow(id: id, includeTasks: true)?.tasks.count == 1)
        #expect(try await engine.workflow(id: id, includeTasks: false)?.status == .paused)
        try await engine.resume(workflowID: id)
        let two = try await engine.pollOne("two")
        try await engine.complete(two, ["v": 2])
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        await #expect(throws: EngineError.self) { try await engine.terminate(workflowID: id, reason: nil) }
        await #expect(throws: EngineError.self) { try await engine.pause(workflowID: id) }
        let kinds = try await engine.journal(rootWorkflowID: id, afterSeq: 0).map(\.kind)
        #expect(kinds.contains(.workflowPaused) && kinds.contains(.workflowResumed))
    }

    @Test func retryResumesFromTheFailedTask() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        try await engine.registerWorkflowDef(try decodeDef(Self.def), overwrite: true)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "ops"))
        try await engine.complete(try await engine.pollOne("one"), ["v": 1])
        let two = try await engine.pollOne("two")
        try await engine.updateTask(TaskResult(workflowInstanceId: id, taskId: two.taskId, status: .failed, reasonForIncompletion: "x"))
        #expect(try await engine.waitFor(id).status == .failed)
        try await engine.retry(workflowID: id)
        let again = try await engine.pollOne("two")
        #expect(again.retryCount == 1)
        try await engine.complete(again, ["v": 22])
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.output == ["two": 22])
        #expect(w.reasonForIncompletion == nil)
        #expect(w.tasks.map(\.referenceTaskName) == ["one", "two", "two"])
        await #expect(throws: EngineError.self) { try await engine.retry(workflowID: id) }
    }

    @Test func restartRunsFromTheBeginning() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        try await engine.registerWorkflowDef(try decodeDef(Self.def), overwrite: true)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "ops"))
        await #expect(throws: EngineError.self) { try await engine.restart(workflowID: id) }
        try await engine.terminate(workflowID: id, reason: "stop")
        var w = try #require(try await engine.workflow(id: id, includeTasks: true))
        #expect(w.status == .terminated)
        #expect(w.reasonForIncompletion == "stop")
        #expect(w.tasks.first?.status == .canceled)
        try await engine.terminate(workflowID: id, reason: "again")
        try await engine.restart(workflowID: id)
        let one = try await engine.pollOne("one")
        try await engine.complete(one, [:])
        try await engine.complete(try await engine.pollOne("two"), ["v": 3])
        w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.tasks.count == 2)
    }

    @Test func setVariablesIsSeenByTheNextDecide() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "stop", "tasks": [{"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
              "inputParameters": {"loop": "${loop}", "stop": "${workflow.variables._stop_requested}"},
              "loopCondition": "$.stop != true && $.loop['iteration'] < 100",
              "loopOver": [{"name": "tick", "taskReferenceName": "tick", "type": "SIMPLE"}]}],
             "variables": {"_stop_requested": false}}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "stop", workflowDef: def))
        try await engine.complete(try await engine.pollOne("tick"), [:])
        let second = try await engine.pollOne("tick")
        try await engine.setVariables(workflowID: id, ["_stop_requested": true])
        try await engine.complete(second, [:])
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.variables["_stop_requested"] == true)
        #expect(w.task("loop")?.outputData["iteration"] == 2)
    }

    @Test func workflowTimeout() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "slow", "timeoutSeconds": 1, "timeoutPolicy": "TIME_OUT_WF",
             "tasks": [{"name": "h", "taskReferenceName": "h", "type": "HUMAN"}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "slow", workflowDef: def))
        let w = try await engine.waitFor(id, timeout: .seconds(5))
        #expect(w.status == .timedOut)
        #expect(w.tasks.first?.status == .canceled)
    }

    @Test func metadataCrud() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        await #expect(throws: EngineError.self) { try await engine.updateTaskDef(TaskDef(name: "ghost")) }
        try await engine.registerTaskDefs([TaskDef(name: "a"), TaskDef(name: "b", retryCount: 5)])
        #expect(try await engine.taskDefs().map(\.name) == ["a", "b"])
        try await engine.deleteTaskDef(named: "a")
        #expect(try await engine.taskDef(named: "a") == nil)
        var def = try decodeDef(Self.def)
        try await engine.registerWorkflowDef(def, overwrite: false)
        def.version = 2
        try await engine.registerWorkflowDef(def, overwrite: false)
        #expect(try await engine.workflowDef(name: "ops", version: nil)?.version == 2)
        #expect(try await engine.workflowDef(name: "ops", version: 1)?.version == 1)
        try await engine.deleteWorkflowDef(name: "ops", version: 2)
        #expect(try await engine.workflowDef(name: "ops", version: nil)?.version == 1)
        #expect(try await engine.workflowDefs().count == 1)
        await #expect(throws: EngineError.self) { try await engine.registerWorkflowDef(WorkflowDef(name: "empty"), overwrite: true) }
        await #expect(throws: EngineError.self) { _ = try await engine.startWorkflow(StartWorkflowRequest(name: "unknown")) }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "ops"))
        let found = try await engine.searchWorkflows(name: "ops", status: .running, limit: 10)
        #expect(found.map(\.workflowId) == [id])
        #expect(found.first?.tasks.isEmpty == true)
    }

    @Test func inMemoryEngine() async throws {
        let engine = try await makeEngine(path: nil)
        defer { Task { await engine.shutdown() } }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "ops", workflowDef: try decodeDef(Self.def)))
        try await engine.complete(try await engine.pollOne("one"), [:])
        try await engine.complete(try await engine.pollOne("two"), ["v": 1])
        #expect(try await engine.waitFor(id).output == ["two": 1])
    }
}
