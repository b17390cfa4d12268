import Foundation
import Testing
import Workflow

@testable import Engine

/// Loops, forks, sub-workflow nesting, parameter nesting and task payloads are bounded, each failing with a reason
/// that names the limit.
@Suite struct ExecutionBoundsTests {
    @Test func anEndlessLoopStopsAtTheIterationLimitWhileOthersProgress() async throws {
        let engine = try await makeEngine { $0.maxLoopIterations = 300 }
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "forever", "tasks": [{"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
              "loopCondition": "true",
              "loopOver": [{"name": "step", "taskReferenceName": "step", "type": "SET_VARIABLE", "inputParameters": {"n": 1}}]}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "forever", workflowDef: def))
        let w = try await engine.waitFor(id, timeout: .seconds(60))
        #expect(w.status == .failed)
        #expect(w.task("loop")?.reasonForIncompletion == "DO_WHILE 'loop' stopped after 300 iterations, the limit (its loopCondition still held)")
        #expect(w.tasks.filter { $0.referenceTaskName.hasPrefix("step__") }.count == 300)
    }

    @Test func aLongSynchronousLoopIsDecidedInSlicesSoOtherExecutionsGetTheirTurn() async throws {
        let engine = try await makeEngine(maxDecideRounds: 1_000_000) { $0.maxLoopIterations = 1_000_000 }
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "spin_loop", "tasks": [{"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
              "loopCondition": "true",
              "loopOver": [{"name": "step", "taskReferenceName": "step", "type": "NOOP"}]}]}
            """)
        let loop = try await engine.startWorkflow(StartWorkflowRequest(name: "spin_loop", workflowDef: def))
        let other = try decodeDef(#"{"name": "other", "tasks": [{"name": "other_work", "taskReferenceName": "o", "type": "SIMPLE"}]}"#)
        let started = ContinuousClock.now
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "other", workflowDef: other))
        try await engine.complete(try await engine.pollOne("other_work", timeout: .seconds(30)), [:])
        #expect(try await engine.waitFor(id, timeout: .seconds(30)).status == .completed)
        let elapsed = ContinuousClock.now - started
        let l = try #require(try await engine.workflow(id: loop, includeTasks: false))
        #expect(l.status == .running, "the loop is still going: the other execution did not wait for it")
        print("unrelated execution beside an endless synchronous loop: start to completion in \(elapsed)")
        try await engine.terminate(workflowID: loop, reason: "test over")
    }

    static func dynamicFork(_ n: Int) throws -> WorkflowDef {
        try decodeDef(
            """
            {"name": "fan_out", "tasks": [
              {"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN_DYNAMIC",
               "inputParameters": {"forkTaskName": "noop", "forkTaskType": "NOOP", "forkTaskInputs": "${workflow.input.items}"}},
              {"name": "join", "taskReferenceName": "join", "type": "JOIN"}]}
            """)
    }

    @Test func aForkOfTooManyBranchesIsRefusedAtOnce() async throws {
        #expect(WorkflowEngine.Configuration(databasePath: nil, llm: ScriptedLLM(responses: [])).maxForkBranches == 1_000)
        let engine = try await makeEngine { $0.maxForkBranches = 100 }
        defer { Task { await engine.shutdown() } }
        let def = try Self.dynamicFork(0)
        let huge: [JSONValue] = Array(repeating: ["x": 1], count: 2_000)
        var started = ContinuousClock.now
        let refused = try await engine.startWorkflow(StartWorkflowRequest(name: "fan_out", input: ["items": .array(huge)], workflowDef: def))
        let w = try await engine.waitFor(refused)
        let refusedIn = ContinuousClock.now - started
        #expect(w.status == .failed)
        #expect(w.task("fork")?.reasonForIncompletion == "FORK_JOIN_DYNAMIC 'fork' asks for 2000 branches; the limit is 100")
        #expect(w.tasks.filter { $0.taskType == "NOOP" }.isEmpty, "no branch of a refused fork is scheduled")

        started = ContinuousClock.now
        let many: [JSONValue] = Array(repeating: ["x": 1], count: 100)
        let ok = try await engine.startWorkflow(StartWorkflowRequest(name: "fan_out", input: ["items": .array(many)], workflowDef: def))
        let done = try await engine.waitFor(ok, timeout: .seconds(120))
        let acceptedIn = ContinuousClock.now - started
        #expect(done.status == .completed)
        #expect(done.tasks.filter { $0.taskType == "NOOP" }.count == 100)
        print("FORK_JOIN_DYNAMIC: 2,000 branches refused in \(refusedIn); 100 branches (the limit) started and joined in \(acceptedIn)")
    }

    @Test func selfRecursiveSubWorkflowsStopAtTheDepthLimit() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "recurse", "tasks": [{"name": "again", "taskReferenceName": "again", "type": "SUB_WORKFLOW",
              "subWorkflowParam": {"name": "recurse", "version": 1}}]}
            """)
        try await engine.registerWorkflowDef(def, overwrite: true)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "recurse"))
        let w = try await engine.waitFor(id, timeout: .seconds(30))
        #expect(w.status == .failed)
        #expect(w.reasonForIncompletion?.contains("SUB_WORKFLOW 'again' would nest 33 levels deep; the limit is 32") == true,
                "\(w.reasonForIncompletion ?? "")")
        let all = try await engine.searchWorkflows(name: "recurse", status: nil, limit: 100)
        #expect(all.count == 33, "the root and 32 nested levels")
    }

    static func nested(_ depth: Int) -> JSONValue {
        var value: JSONValue = "${workflow.input.x}"
        for _ in 0..<depth { value = ["a": value] }
        return value
    }

    @Test func deeplyNestedParametersAreRefusedAndResolutionIsLinear() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        var def = try decodeDef(#"{"name": "deep", "tasks": [{"name": "deep_work", "taskReferenceName": "d", "type": "SIMPLE"}]}"#)
        def.tasks[0].inputParameters = ["p": Self.nested(500)]
        do {
            try await engine.registerWorkflowDef(def, overwrite: true)
            Issue.record("500 levels were accepted")
        } catch let error as EngineError {
            #expect(error.code == .invalidArgument)
            #expect(error.message == "workflowDef.tasks[d].inputParameters nest arrays and objects more than 64 levels deep")
        }

        // 60 levels are fine, and resolve.
        def.tasks[0].inputParameters = ["p": Self.nested(60)]
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "deep", input: ["x": 7], workflowDef: def))
        let task = try await engine.pollOne("deep_work")
        var leaf = task.inputData["p"] ?? .null
        for _ in 0..<60 { leaf = leaf["a"] }
        #expect(leaf == 7)
        try await engine.complete(task, [:])
        #expect(try await engine.waitFor(id).status == .completed)

        let resolver = ExpressionResolver(document: ["workflow": ["input": ["x": 7]]])
        #expect(throws: ExpressionDepthError(limit: 64)) { try resolver.resolveChecked(["p": Self.nested(500)]) }
        let started = ContinuousClock.now
        for _ in 0..<100 { _ = resolver.resolve(["p": Self.nested(500)]) }
        print("resolving 500-deep inputParameters: \((ContinuousClock.now - started) / 100) per resolution")
    }

    @Test func oversizedOutputsFailTheTaskNamingSizeAndLimit() async throws {
        let engine = try await makeEngine { $0.maxTaskPayloadBytes = 1 << 20 }
        defer { Task { await engine.shutdown() } }
        // A script result over the limit.
        let script = try ScriptIsolationTests.inlineDef("big_script", "'x'.repeat(2 * 1024 * 1024)")
        let s = try await engine.waitFor(try await engine.startWorkflow(StartWorkflowRequest(name: "big_script", workflowDef: script)))
        #expect(s.status == .failed)
        let reason = s.task("script")?.reasonForIncompletion ?? ""
        #expect(reason == "Task output is 2097165 bytes of JSON; the limit is 1048576 bytes", "\(reason)")
        #expect(s.task("script")?.outputData["result"] == nil, "nothing of the oversized output is stored")

        // A worker's result over the limit.
        let def = try decodeDef(#"{"name": "big_worker", "tasks": [{"name": "big_work", "taskReferenceName": "b", "type": "SIMPLE"}]}"#)
        try await engine.registerTaskDefs([TaskDef(name: "big_work", retryCount: 0)])
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "big_worker", workflowDef: def))
        let task = try await engine.pollOne("big_work")
        try await engine.complete(task, ["blob": .string(String(repeating: "y", count: 3 << 20))])
        let w = try await engine.waitFor(id)
        #expect(w.status == .failed)
        #expect(w.task("b")?.status == .failedWithTerminalError)
        #expect(w.task("b")?.reasonForIncompletion?.hasPrefix("Task output is 31457") == true)
        #expect(w.task("b")?.reasonForIncompletion?.hasSuffix("bytes of JSON; the limit is 1048576 bytes") == true)

        // An input over the limit (resolved from the workflow input).
        let echo = try decodeDef(
            #"{"name": "big_input", "tasks": [{"name": "echo", "taskReferenceName": "e", "type": "SIMPLE", "inputParameters": {"v": "${workflow.input.v}"}}]}"#)
        let big = try await engine.startWorkflow(
            StartWorkflowRequest(name: "big_input", input: ["v": .string(String(repeating: "z", count: 2 << 20))], workflowDef: echo))
        let b = try await engine.waitFor(big)
        #expect(b.status == .failed)
        #expect(b.task("e")?.reasonForIncompletion?.hasPrefix("Task input is ") == true)
    }
}
