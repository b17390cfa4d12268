import Foundation
import Testing
import Workflow

@testable import Engine

/// A tool that must not run twice is never started twice, and a default task definition never replaces the one
/// its worker registered.
@Suite struct TaskDefinitionSafetyTests {
    /// A tool call compiled with `retryCount: 2` (as the agent compiler's dynamic tool calls are) for a tool whose
    /// definition says `retryCount: 0`, like a worker registers for `idempotent: false` tools.
    static let toolCall = """
        {"name": "charge", "tasks": [{"name": "charge_card", "taskReferenceName": "call", "type": "SIMPLE",
          "optional": true, "retryCount": 2, "retryLogic": "LINEAR_BACKOFF", "retryDelaySeconds": 0}]}
        """

    @Test func aNonIdempotentCallWhoseWorkerDiedIsNotStartedAgain() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        try await engine.registerTaskDefs([
            TaskDef(name: "charge_card", retryCount: 0, retryLogic: "LINEAR_BACKOFF", retryDelaySeconds: 0, timeoutSeconds: 0,
                    timeoutPolicy: "RETRY", responseTimeoutSeconds: 1)
        ])
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "charge", workflowDef: try decodeDef(Self.toolCall)))
        // The worker takes the call and dies (never answers).
        let first = try await engine.pollOne("charge_card")
        let w = try await engine.waitFor(id, timeout: .seconds(15))
        #expect(w.status == .completed, "the optional call ends; the workflow goes on")
        let attempts = w.tasks.filter { $0.referenceTaskName == "call" }
        #expect(attempts.count == 1, "a second attempt was scheduled: \(attempts.map(\.status))")
        let reason = attempts.first?.reasonForIncompletion ?? ""
        #expect(attempts.first?.taskId == first.taskId)
        #expect(reason.contains("The worker stopped responding"), "\(reason)")
        #expect(reason.contains("not retried because the tool is not idempotent"), "\(reason)")
        #expect(try await engine.poll(taskType: "charge_card", workerID: nil, domain: nil, count: 1, timeout: .milliseconds(300)).isEmpty)
    }

    @Test func anIdempotentCallIsStillRetriedAsTheWorkflowTaskAsks() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        try await engine.registerTaskDefs([
            TaskDef(name: "charge_card", retryCount: 1, retryLogic: "FIXED", retryDelaySeconds: 0, timeoutPolicy: "RETRY",
                    responseTimeoutSeconds: 1)
        ])
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "charge", workflowDef: try decodeDef(Self.toolCall)))
        _ = try await engine.pollOne("charge_card")
        let second = try await engine.pollOne("charge_card", timeout: .seconds(10))
        #expect(second.retryCount == 1)
        try await engine.complete(second, ["ok": true])
        #expect(try await engine.waitFor(id).status == .completed)
    }

    @Test func registerIfAbsentNeverReplacesAWorkersDefinition() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let serverDefault = TaskDef(name: "tool", retryCount: 2, timeoutPolicy: "RETRY", responseTimeoutSeconds: 3600)
        let workers = TaskDef(name: "tool", retryCount: 2, timeoutPolicy: "RETRY", responseTimeoutSeconds: 30)

        #expect(try await engine.registerTaskDefsIfAbsent([serverDefault]) == ["tool"])
        try await engine.registerTaskDefs([workers])
        #expect(try await engine.registerTaskDefsIfAbsent([serverDefault]).isEmpty)
        #expect(try await engine.taskDef(named: "tool")?.responseTimeoutSeconds == 30)

        // The race of the issue, many times over: deploys registering defaults while workers register their own,
        // in every interleaving the scheduler produces. The worker's definition must survive each one.
        for round in 0..<40 {
            let name = "tool_\(round)"
            var namedDefault = serverDefault
            namedDefault.name = name
            var namedWorkers = workers
            namedWorkers.name = name
            let d = namedDefault, wk = namedWorkers
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { try await engine.registerTaskDefsIfAbsent([d]) } }
                group.addTask { try await engine.registerTaskDefs([wk]) }
                for _ in 0..<3 { group.addTask { try await engine.registerTaskDefsIfAbsent([d]) } }
                try await group.waitForAll()
            }
            #expect(try await engine.taskDef(named: name)?.responseTimeoutSeconds == 30, "round \(round)")
        }
    }
}
