import Foundation
import GRDB
import Testing
import Workflow

@testable import Engine

/// Absurd time settings (`Int64.max` seconds) are refused where they enter the engine, and stored ones — written
/// straight into the database — can no longer trap the process on a poll, an update, a start or a WAIT.
@Suite struct TimeArithmeticTests {
    static let huge = Int(Int64.max)

    func expectRefused(_ field: String, got value: Int, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(field) = \(value) was accepted")
        } catch let error as EngineError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("\(field) must be between 0 and 31536000 (got \(value))"), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func absurdTimeSettingsAreRefusedNamingTheField() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        await expectRefused("taskDef.responseTimeoutSeconds", got: Self.huge) {
            try await engine.registerTaskDefs([TaskDef(name: "t", responseTimeoutSeconds: Self.huge)])
        }
        await expectRefused("taskDef.timeoutSeconds", got: Self.huge) {
            try await engine.registerTaskDefs([TaskDef(name: "t", timeoutSeconds: Self.huge)])
        }
        await expectRefused("taskDef.retryDelaySeconds", got: Self.huge) {
            try await engine.registerTaskDefsIfAbsent([TaskDef(name: "t", retryDelaySeconds: Self.huge)])
        }
        await expectRefused("taskDef.timeoutSeconds", got: -1) {
            try await engine.updateTaskDef(TaskDef(name: "t", timeoutSeconds: -1))
        }
        #expect(try await engine.taskDef(named: "t") == nil, "nothing of a refused registration is stored")

        var def = try decodeDef(#"{"name": "w", "tasks": [{"name": "work", "taskReferenceName": "a", "type": "SIMPLE"}]}"#)
        def.timeoutSeconds = Self.huge
        def.timeoutPolicy = "TIME_OUT_WF"
        await expectRefused("workflowDef.timeoutSeconds", got: Self.huge) { try await engine.registerWorkflowDef(def, overwrite: true) }
        await expectRefused("workflowDef.timeoutSeconds", got: Self.huge) {
            _ = try await engine.startWorkflow(StartWorkflowRequest(name: "w", workflowDef: def))
        }
        def.timeoutSeconds = 0
        def.tasks[0].retryDelaySeconds = Self.huge
        await expectRefused("workflowDef.tasks[a].retryDelaySeconds", got: Self.huge) {
            try await engine.registerWorkflowDef(def, overwrite: true)
        }

        def.tasks[0].retryDelaySeconds = nil
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "w", workflowDef: def))
        let task = try await engine.pollOne("work")
        await expectRefused("taskResult.callbackAfterSeconds", got: 9_300_000_000_000_000) {
            try await engine.updateTask(
                TaskResult(workflowInstanceId: id, taskId: task.taskId, status: .inProgress, callbackAfterSeconds: 9_300_000_000_000_000))
        }
        #expect(try await engine.task(id: task.taskId)?.status == .inProgress, "the refused update changed nothing")
    }

    /// Writes a task definition as JSON straight into the database, past every check.
    static func storeRaw(_ engine: WorkflowEngine, taskDef json: String, name: String) async throws {
        try await engine.writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO task_def(name, json) VALUES (?, ?)", arguments: [name, json])
        }
    }

    @Test func storedAbsurdTimeSettingsNeitherTrapNorExpire() async throws {
        let path = temporaryDatabasePath()
        let first = try await makeEngine(path: path)
        let max = Int64.max
        try await Self.storeRaw(
            first, taskDef: #"{"name": "slow", "responseTimeoutSeconds": \#(max), "timeoutSeconds": \#(max), "retryCount": 1, "retryDelaySeconds": \#(max), "retryLogic": "LINEAR_BACKOFF", "backoffScaleFactor": \#(max)}"#,
            name: "slow")
        // A stored workflow definition whose own timeout is absurd, started by name.
        let wf = #"{"name": "absurd", "version": 1, "timeoutSeconds": \#(max), "timeoutPolicy": "TIME_OUT_WF", "tasks": [{"name": "slow", "taskReferenceName": "s", "type": "SIMPLE"}, {"name": "wait", "taskReferenceName": "w", "type": "WAIT", "inputParameters": {"duration": "99999999999999999 seconds"}}, {"name": "wait", "taskReferenceName": "w2", "type": "WAIT", "inputParameters": {"duration": "99999999999999999 days"}}]}"#
        try await first.writer.write { db in
            try db.execute(sql: "INSERT INTO workflow_def(name, version, json) VALUES ('absurd', 1, ?)", arguments: [wf])
        }
        let id = try await first.startWorkflow(StartWorkflowRequest(name: "absurd"))
        let attempt = try await first.pollOne("slow")
        // A FAILED update: the retry is due after Int64.max seconds (times the backoff): scheduled, not trapped.
        try await first.updateTask(TaskResult(workflowInstanceId: id, taskId: attempt.taskId, status: .failed, reasonForIncompletion: "boom"))
        var w = try await first.waitFor(id) { $0.tasks.count == 2 }
        #expect(w.status == .running)
        #expect(w.tasks.last?.status == .scheduled && w.tasks.last?.retryCount == 1)
        #expect(try await first.poll(taskType: "slow", workerID: nil, domain: nil, count: 1, timeout: .milliseconds(50)).isEmpty)

        // The retry's delay is stored on the task; after a restart the same stored values are read again.
        await first.shutdown()
        let engine = try await makeEngine(path: path)
        defer { Task { await engine.shutdown() } }
        try await engine.writer.write { db in
            try db.execute(sql: "UPDATE task SET wake_at = 0 WHERE workflow_id = ? AND status = 'SCHEDULED'", arguments: [id])
        }
        let retry = try await engine.pollOne("slow")
        #expect(retry.retryCount == 1)
        try await engine.complete(retry, ["ok": true])
        w = try await engine.waitFor(id) { $0.task("w")?.status == .inProgress }
        #expect(w.task("w")?.status == .inProgress, "a WAIT of 99999999999999999 seconds waits (practically) forever")
        try await Task.sleep(for: .milliseconds(200))
        w = try #require(try await engine.workflow(id: id, includeTasks: true))
        #expect(w.status == .running && w.task("w")?.status == .inProgress)
        _ = try await engine.updateTask(workflowID: id, taskRefName: "w", status: .completed, output: [:])
        w = try await engine.waitFor(id) { $0.task("w2")?.status == .inProgress }
        #expect(w.task("w2")?.status == .inProgress)
    }

    @Test func saturatingHelpersClampInsteadOfTrapping() {
        #expect(Int64.saturatingMillis(seconds: Int.max) == .max)
        #expect(Int64.saturatingMillis(seconds: Int.min) == .min)
        #expect(Int64.saturatingMillis(seconds: 3) == 3000)
        #expect(Int64.saturatingDeadline(1_000, plusSeconds: Int.max) == .max)
        #expect(Int64(saturating: 1e300) == .max)
        #expect(Int64(saturating: -.infinity) == .min)
        #expect(Int64(saturating: .nan) == 0)
        #expect(Session.parseDuration("99999999999999999 seconds") == 99_999_999_999_999_999)
        #expect(Session.parseDuration("99999999999999999 days") == Int.max)
        #expect(Session.parseDuration("999999999999999999999999 s") == Int.max)
        let config = TaskConfig(
            retryCount: 3, retryLogic: "LINEAR_BACKOFF", retryDelaySeconds: .max, backoffScaleFactor: .max,
            maxRetryDelaySeconds: 0, responseTimeoutSeconds: .max, timeoutSeconds: .max, timeoutPolicy: "RETRY")
        #expect(config.delay(afterAttempt: 2) == .max)
        var exponential = config
        exponential.retryLogic = "EXPONENTIAL_BACKOFF"
        #expect(exponential.delay(afterAttempt: 70) == .max)
        #expect(LLMTransport.parseRetryAfter("1e300") == .milliseconds(Int64.max))
    }
}
