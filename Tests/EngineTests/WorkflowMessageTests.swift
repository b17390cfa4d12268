import Foundation
import Testing
import Workflow

@testable import Engine

/// The workflow message queue and PULL_WORKFLOW_MESSAGES (conductor's WMQ): ordered, durable, delivered by the
/// enqueue itself.
@Suite struct WorkflowMessageTests {
    /// `gate` (a worker task) holds the workflow before `pull` until the test completes it.
    static let gatedPull = """
        {"name": "gated_pull", "tasks": [
          {"name": "gate", "taskReferenceName": "gate", "type": "SIMPLE"},
          {"name": "listen", "taskReferenceName": "pull", "type": "PULL_WORKFLOW_MESSAGES", "inputParameters": {"batchSize": 2}},
          {"name": "first", "taskReferenceName": "first", "type": "INLINE",
           "inputParameters": {"evaluatorType": "javascript", "m": "${pull.output.messages}",
             "expression": "$.m[0].payload.text"}}],
         "outputParameters": {"first": "${first.output.result}", "count": "${pull.output.count}"}}
        """

    static func texts(_ task: ConductorTask?) -> [String] {
        (task?.outputData["messages"]?.arrayValue ?? []).compactMap { $0["payload"]["text"].stringValue }
    }

    @Test func messagesQueuedBeforeThePullTaskStartsAreTakenAtOnceInOrderUpToBatchSize() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "gated_pull", workflowDef: try decodeDef(Self.gatedPull)))
        let ids = try await engine.sendMessages(workflowID: id, [["text": "one"], ["text": "two"]])
        _ = try await engine.sendMessages(workflowID: id, [["text": "three"]])
        #expect(ids.count == 2 && Set(ids).count == 2)
        #expect(try await engine.queuedMessages(workflowID: id).map { $0["payload"]["text"] } == ["one", "two", "three"])

        try await engine.complete(try await engine.pollOne("gate"), [:])
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        let pull = try #require(w.task("pull"))
        #expect(Self.texts(pull) == ["one", "two"])
        #expect(pull.outputData["count"] == 2)
        let first = try #require(pull.outputData["messages"]?.arrayValue?.first)
        #expect(first["id"].stringValue == ids[0])
        #expect(first["workflowId"].stringValue == id)
        #expect(first["receivedAt"].stringValue?.hasSuffix("Z") == true)
        #expect(w.output == ["first": "one", "count": 2])
        #expect(try await engine.queuedMessages(workflowID: id).map { $0["payload"]["text"] } == ["three"])
        // Messages were there: the pull task never waited (no IN_PROGRESS, so no `waiting` on the stream).
        let journal = try await engine.journal(rootWorkflowID: id, afterSeq: 0)
        #expect(!journal.contains { $0.kind == .taskStarted && $0.taskID == pull.taskId })
    }

    @Test func aWaitingPullTaskCompletesInTheEnqueueItselfWithNoSweep() async throws {
        // An hour between sweeps: only the enqueue can wake the task.
        let engine = try await makeEngine(sweep: .seconds(3600))
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "two_pulls", "tasks": [
              {"name": "listen", "taskReferenceName": "a", "type": "PULL_WORKFLOW_MESSAGES"},
              {"name": "listen", "taskReferenceName": "b", "type": "PULL_WORKFLOW_MESSAGES", "inputParameters": {"batchSize": 5}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "two_pulls", workflowDef: def))
        var w = try #require(try await engine.workflow(id: id, includeTasks: true))
        #expect(w.task("a")?.status == .inProgress)

        _ = try await engine.sendMessages(workflowID: id, [["text": "hello"], ["text": "second"], ["text": "third"]])
        w = try #require(try await engine.workflow(id: id, includeTasks: true))
        // Default batchSize 1 for `a`; `b` (scheduled by the same transaction's decide) takes the rest.
        #expect(Self.texts(w.task("a")) == ["hello"])
        #expect(Self.texts(w.task("b")) == ["second", "third"])
        #expect(w.status == .completed)
        #expect(try await engine.queuedMessages(workflowID: id).isEmpty)
    }

    @Test func batchSizeIsCappedAtOneHundredAndNonBlockingCompletesEmpty() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "big_batch", "tasks": [
              {"name": "gate", "taskReferenceName": "gate", "type": "SIMPLE"},
              {"name": "listen", "taskReferenceName": "pull", "type": "PULL_WORKFLOW_MESSAGES", "inputParameters": {"batchSize": 500}},
              {"name": "peek", "taskReferenceName": "peek", "type": "PULL_WORKFLOW_MESSAGES",
               "inputParameters": {"batchSize": 10, "blocking": false}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "big_batch", workflowDef: def))
        _ = try await engine.sendMessages(workflowID: id, (0..<100).map { ["text": .string("m\($0)")] })
        #expect(try await engine.queuedMessages(workflowID: id).count == 100)
        _ = try await engine.sendMessages(workflowID: id, [["text": "m100"]])
        try await engine.complete(try await engine.pollOne("gate"), [:])
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(Self.texts(w.task("pull")) == (0..<100).map { "m\($0)" })
        #expect(Self.texts(w.task("peek")) == ["m100"])

        let empty = try await engine.startWorkflow(StartWorkflowRequest(name: "big_batch", workflowDef: def))
        try await engine.complete(try await engine.pollOne("gate"), [:])
        let e = try await engine.waitFor(empty, until: { $0.task("pull")?.status == .inProgress || $0.status.isTerminal })
        #expect(e.task("pull")?.status == .inProgress, "blocking by default")
        _ = try await engine.sendMessages(workflowID: empty, [["text": "only"]])
        let done = try await engine.waitFor(empty)
        #expect(Self.texts(done.task("pull")) == ["only"])
        #expect(done.task("peek")?.outputData == ["messages": [], "count": 0], "non-blocking: completes with none")
    }

    @Test func unknownAndFinishedExecutionsRefuseMessagesAndQueueNothing() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        await #expect(throws: EngineError.notFound("No such workflow found by id: nope")) {
            try await engine.sendMessages(workflowID: "nope", [["text": "x"]])
        }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "gated_pull", workflowDef: try decodeDef(Self.gatedPull)))
        try await engine.terminate(workflowID: id, reason: "done here")
        do {
            _ = try await engine.sendMessages(workflowID: id, [["text": "late"]])
            Issue.record("a terminated execution took a message")
        } catch let error as EngineError {
            #expect(error.code == .conflict)
            #expect(error.message.contains("TERMINATED"))
        }
        #expect(try await engine.queuedMessages(workflowID: id).isEmpty)
    }

    @Test func aMessageTooLargeToDeliverIsRefusedNamingItsPosition() async throws {
        let engine = try await makeEngine { $0.maxTaskPayloadBytes = 2_000 }
        defer { Task { await engine.shutdown() } }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "gated_pull", workflowDef: try decodeDef(Self.gatedPull)))
        do {
            _ = try await engine.sendMessages(workflowID: id, [["text": "fine"], ["text": .string(String(repeating: "x", count: 1_500))]])
            Issue.record("an undeliverable message was queued")
        } catch let error as EngineError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasPrefix("message [1] is "))
        }
        #expect(try await engine.queuedMessages(workflowID: id).isEmpty, "nothing of a refused batch is queued")
    }

    @Test func queuedMessagesSurviveAReopenOfTheDatabaseInOrder() async throws {
        let path = temporaryDatabasePath()
        let before = try await makeEngine(path: path)
        let id = try await before.startWorkflow(StartWorkflowRequest(name: "gated_pull", workflowDef: try decodeDef(Self.gatedPull)))
        for text in ["alpha", "beta", "gamma"] { _ = try await before.sendMessages(workflowID: id, [["text": .string(text)]]) }
        await before.shutdown()

        let engine = try await makeEngine(path: path)
        defer { Task { await engine.shutdown() } }
        try await engine.complete(try await engine.pollOne("gate"), [:])
        let w = try await engine.waitFor(id)
        #expect(Self.texts(w.task("pull")) == ["alpha", "beta"])
        #expect(try await engine.queuedMessages(workflowID: id).map { $0["payload"]["text"] } == ["gamma"])
    }
}
