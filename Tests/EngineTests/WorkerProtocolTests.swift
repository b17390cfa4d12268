import Foundation
import Testing
import Workflow

@testable import Engine

@Suite struct WorkerProtocolTests {
    static let def = """
        {"name": "pair", "tasks": [{"name": "first", "taskReferenceName": "first", "type": "SIMPLE"},
                                   {"name": "first", "taskReferenceName": "again", "type": "SIMPLE"}]}
        """

    @Test func updateV2HandsOutTheNextTask() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "pair", workflowDef: try decodeDef(Self.def)))
        let t = try await engine.pollOne("first")
        let next = try await engine.updateTaskV2(
            TaskResult(workflowInstanceId: id, taskId: t.taskId, status: .completed, outputData: ["a": 1], workerId: "w2"))
        #expect(next?.referenceTaskName == "again")
        #expect(next?.status == .inProgress)
        #expect(next?.workerId == "w2")
        let none = try await engine.updateTaskV2(
            TaskResult(workflowInstanceId: id, taskId: try #require(next).taskId, status: .completed))
        #expect(none == nil)
        #expect(try await engine.workflow(id: id, includeTasks: false)?.status == .completed)
        await #expect(throws: EngineError.self) {
            try await engine.updateTask(TaskResult(workflowInstanceId: id, taskId: "no-such-task", status: .completed))
        }
    }

    @Test func aResultNamingTheWrongExecutionStillUpdatesTheTasksOwn() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "pair", workflowDef: try decodeDef(Self.def)))
        let other = try await engine.startWorkflow(StartWorkflowRequest(name: "pair", workflowDef: try decodeDef(Self.def)))
        let t = try await engine.pollOne("first")
        let owner = t.workflowInstanceId
        // The result names the other execution (or none): the task's own execution advances, the other does not.
        let named = owner == id ? other : id
        let next = try await engine.updateTaskV2(TaskResult(workflowInstanceId: named, taskId: t.taskId, status: .completed))
        #expect(next != nil)
        #expect(try await engine.task(id: t.taskId)?.status == .completed)
        let ownTasks = try #require(try await engine.workflow(id: owner, includeTasks: true)).tasks
        #expect(ownTasks.map(\.referenceTaskName) == ["first", "again"])
        let namedFirst = try #require(try await engine.workflow(id: named, includeTasks: true)?.tasks.first)
        #expect(namedFirst.status != .completed)
        let unnamed = try await engine.pollOne("first")
        try await engine.updateTask(TaskResult(workflowInstanceId: "", taskId: unnamed.taskId, status: .completed))
        #expect(try await engine.task(id: unnamed.taskId)?.status == .completed)
    }

    @Test func updateV2CommitsTheResultTheDecideAndTheClaimTogether() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "pair", workflowDef: try decodeDef(Self.def)))
        let t = try await engine.pollOne("first")
        let before = try await engine.journal(rootWorkflowID: id, afterSeq: 0).last?.seq ?? 0
        let next = try #require(try await engine.updateTaskV2(TaskResult(workflowInstanceId: id, taskId: t.taskId, status: .completed)))
        let entries = try await engine.journal(rootWorkflowID: id, afterSeq: before)
        // One transaction: every entry has the same commit time, in the order the steps happened.
        #expect(Set(entries.map(\.time)).count == 1)
        #expect(entries.map(\.kind) == [.taskEnded, .taskScheduled, .taskStarted])
        #expect(entries.last?.taskID == next.taskId)
        #expect(try await engine.task(id: next.taskId)?.status == .inProgress)
    }

    @Test func inProgressWithCallbackRequeuesTheSameTask() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "pair", workflowDef: try decodeDef(Self.def)))
        let t = try await engine.pollOne("first")
        let clock = ContinuousClock()
        let updated = clock.now
        try await engine.updateTask(
            TaskResult(
                workflowInstanceId: id, taskId: t.taskId, status: .inProgress, outputData: ["checkpoint": 1],
                callbackAfterSeconds: 1))
        #expect(try await engine.task(id: t.taskId)?.status == .scheduled)
        let early = try await engine.poll(taskType: "first", workerID: nil, domain: nil, count: 1, timeout: .milliseconds(200))
        let again: ConductorTask
        if let handedOut = early.first {
            // Only a machine that stalled past the callback time may see the task here, never sooner.
            #expect(clock.now - updated >= .seconds(1))
            again = handedOut
        } else {
            again = try await engine.pollOne("first", timeout: .seconds(5))
            #expect(clock.now - updated >= .seconds(1))
        }
        #expect(again.taskId == t.taskId)
        #expect(again.pollCount == 2)
        #expect(again.outputData == ["checkpoint": 1])
        #expect(again.startTime == t.startTime)
    }

    @Test func responseTimeoutRequeuesATaskWhoseWorkerDied() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        // Spare retries: on a loaded machine a later attempt may itself outlive its 1 s lease before it is completed.
        var def = TaskDef(name: "fragile", retryCount: 5, responseTimeoutSeconds: 1)
        def.retryDelaySeconds = 0
        try await engine.registerTaskDefs([def])
        let wf = try decodeDef(#"{"name": "fragile", "tasks": [{"name": "fragile", "taskReferenceName": "f", "type": "SIMPLE"}]}"#)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "fragile", workflowDef: wf))
        let lost = try await engine.pollOne("fragile")
        #expect(lost.responseTimeoutSeconds == 1)
        var retry = try await engine.pollOne("fragile", timeout: .seconds(10))
        #expect(retry.taskId != lost.taskId)
        #expect(retry.retryCount == 1)
        #expect(try await engine.task(id: lost.taskId)?.status == .timedOut)
        try await engine.complete(lost, ["late": true])
        #expect(try await engine.task(id: lost.taskId)?.outputData == [:])
        try await engine.complete(retry, ["ok": true])
        while try await engine.task(id: retry.taskId)?.status == .timedOut, (retry.retryCount ?? 0) < 5 {
            retry = try await engine.pollOne("fragile", timeout: .seconds(10))
            try await engine.complete(retry, ["ok": true])
        }
        #expect(try await engine.waitFor(id).status == .completed)
    }

    @Test func extendLeaseKeepsATaskAlive() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        var def = TaskDef(name: "slow", retryCount: 0, responseTimeoutSeconds: 3)
        def.retryDelaySeconds = 0
        try await engine.registerTaskDefs([def])
        let wf = try decodeDef(#"{"name": "slow", "tasks": [{"name": "slow", "taskReferenceName": "s", "type": "SIMPLE"}]}"#)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "slow", workflowDef: wf))
        let t = try await engine.pollOne("slow")
        // 4.8 s of work, well past the 3 s response timeout, with a heartbeat every 0.8 s.
        for _ in 0..<6 {
            try await Task.sleep(for: .milliseconds(800))
            try await engine.updateTask(
                TaskResult(workflowInstanceId: id, taskId: t.taskId, status: .inProgress, extendLease: true))
        }
        #expect(try await engine.task(id: t.taskId)?.status == .inProgress)
        try await engine.complete(t, [:])
        #expect(try await engine.waitFor(id).status == .completed)
    }

    @Test func exponentialAndLinearBackoffDelays() {
        let linear = TaskConfig(
            retryCount: 3, retryLogic: "LINEAR_BACKOFF", retryDelaySeconds: 2, backoffScaleFactor: 3, maxRetryDelaySeconds: 0,
            responseTimeoutSeconds: 0, timeoutSeconds: 0, timeoutPolicy: "TIME_OUT_WF")
        #expect([0, 1, 2].map(linear.delay(afterAttempt:)) == [6, 12, 18])
        var exponential = linear
        exponential.retryLogic = "EXPONENTIAL_BACKOFF"
        exponential.maxRetryDelaySeconds = 5
        #expect([0, 1, 2].map(exponential.delay(afterAttempt:)) == [2, 4, 5])
        var fixed = linear
        fixed.retryLogic = "FIXED"
        #expect(fixed.delay(afterAttempt: 2) == 2)
    }

    @Test func journalFeedDeliversCommittedEntries() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let feed = engine.journalUpdates()
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "pair", workflowDef: try decodeDef(Self.def)))
        var seen: [JournalEntry] = []
        for await entry in feed {
            seen.append(entry)
            if seen.count == 2 { break }
        }
        #expect(seen.map(\.kind) == [.workflowStarted, .taskScheduled])
        #expect(seen.allSatisfy { $0.workflowID == id && $0.rootWorkflowID == id })
        #expect(try await engine.journal(rootWorkflowID: id, afterSeq: 0) == seen)
    }
}
