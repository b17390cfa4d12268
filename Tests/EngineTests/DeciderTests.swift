import Foundation
import Testing
import Workflow

@testable import Engine

@Suite struct DeciderTests {
    @Test func workerTasksSystemTasksAndOutputParameters() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "greet", "version": 1,
             "tasks": [
               {"name": "fetch_user", "taskReferenceName": "fetch", "type": "SIMPLE", "inputParameters": {"id": "${workflow.input.userId}"}},
               {"name": "shape", "taskReferenceName": "shape", "type": "INLINE",
                "inputParameters": {"evaluatorType": "graaljs", "n": "${fetch.output.name}", "expression": "(function(){ return 'Hello ' + $.n; })()"}},
               {"name": "vars", "taskReferenceName": "vars", "type": "SET_VARIABLE", "inputParameters": {"greeted": "${shape.output.result}"}},
               {"name": "route", "taskReferenceName": "route", "type": "SWITCH", "evaluatorType": "value-param", "expression": "kind",
                "inputParameters": {"kind": "${fetch.output.kind}"},
                "decisionCases": {"vip": [{"name": "notify_vip", "taskReferenceName": "vip", "type": "SIMPLE"}]}, "defaultCase": []},
               {"name": "after", "taskReferenceName": "after", "type": "INLINE",
                "inputParameters": {"expression": "$.v + '!'", "v": "${workflow.variables.greeted}"}}],
             "outputParameters": {"greeting": "${shape.output.result}", "last": "${after.output.result}", "vip": "${vip.output.ok}"}}
            """)
        try await engine.registerWorkflowDef(def, overwrite: false)
        await #expect(throws: EngineError.self) { try await engine.registerWorkflowDef(def, overwrite: false) }
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "greet", input: ["userId": 7]))

        let fetch = try await engine.pollOne("fetch_user")
        #expect(fetch.inputData == ["id": 7])
        #expect(fetch.status == .inProgress)
        #expect(fetch.responseTimeoutSeconds == 3600)
        try await engine.complete(fetch, ["name": "Ada", "kind": "vip"])
        var w = try #require(try await engine.workflow(id: id, includeTasks: true))
        #expect(w.task("shape")?.outputData == ["result": "Hello Ada"])
        #expect(w.task("route")?.outputData["selectedCase"] == "vip")
        #expect(w.variables["greeted"] == "Hello Ada")
        #expect(w.status == .running)

        let vip = try await engine.pollOne("notify_vip")
        try await engine.complete(vip, ["ok": true])
        w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.output == ["greeting": "Hello Ada", "last": "Hello Ada!", "vip": true])
        #expect(w.tasks.map(\.referenceTaskName) == ["fetch", "shape", "vars", "route", "vip", "after"])
        #expect(w.tasks.map(\.seq) == [1, 2, 3, 4, 5, 6])
        let journal = try await engine.journal(rootWorkflowID: id, afterSeq: 0)
        #expect(journal.first?.kind == .workflowStarted)
        #expect(journal.last?.kind == .workflowEnded)
        #expect(journal.filter { $0.kind == .taskEnded }.count == 6)
        #expect(zip(journal, journal.dropFirst()).allSatisfy { $0.seq < $1.seq })
    }

    @Test func doWhileIteratesWithSuffixedRefsAndIterationOutputs() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "loop", "tasks": [
              {"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
               "inputParameters": {"loop": "${loop}", "step": "${step}", "max": "${workflow.input.max}"},
               "loopCondition": "if ($.loop['iteration'] < $.max && $.step['result'] != 'stop') { true; } else { false; }",
               "loopOver": [
                 {"name": "work", "taskReferenceName": "work", "type": "SIMPLE", "inputParameters": {"i": "${loop.output.iteration}"}},
                 {"name": "step", "taskReferenceName": "step", "type": "INLINE",
                  "inputParameters": {"expression": "'seen ' + $.w", "w": "${work.output.v}"}}]}],
             "outputParameters": {"iterations": "${loop.output.iteration}", "last": "${step.output.result}"}}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "loop", input: ["max": 3], workflowDef: def))
        for i in 1...3 {
            let work = try await engine.pollOne("work")
            #expect(work.referenceTaskName == "work__\(i)")
            #expect(work.iteration == i)
            #expect(work.inputData["i"] == .int(i))
            try await engine.complete(work, ["v": .int(i * 10)])
        }
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.output == ["iterations": 3, "last": "seen 30"])
        let loop = try #require(w.task("loop"))
        #expect(loop.outputData["1"] == ["work": ["v": 10], "step": ["result": "seen 10"]])
        #expect(loop.outputData["3"]?["step"] == ["result": "seen 30"])
        #expect(w.tasks.map(\.referenceTaskName) == ["loop", "work__1", "step__1", "work__2", "step__2", "work__3", "step__3"])
    }

    @Test func nestedLoopsCarryOneSuffixPerLevel() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "nested", "tasks": [
              {"name": "outer", "taskReferenceName": "outer", "type": "DO_WHILE", "inputParameters": {"outer": "${outer}"},
               "loopCondition": "$.outer['iteration'] < 2",
               "loopOver": [
                 {"name": "inner", "taskReferenceName": "inner", "type": "DO_WHILE", "inputParameters": {"inner": "${inner}"},
                  "loopCondition": "$.inner['iteration'] < 2",
                  "loopOver": [{"name": "work", "taskReferenceName": "work", "type": "SIMPLE"}]},
                 {"name": "after", "taskReferenceName": "after", "type": "INLINE", "inputParameters": {"expression": "'done'"}}]}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "nested", workflowDef: def))
        var refs: [String] = []
        for _ in 0..<4 {
            let work = try await engine.pollOne("work")
            refs.append(work.referenceTaskName)
            try await engine.complete(work, [:])
        }
        #expect(refs == ["work__1__1", "work__1__2", "work__2__1", "work__2__2"])
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.tasks.filter { $0.taskType == "DO_WHILE" }.map(\.referenceTaskName) == ["outer", "inner__1", "inner__2"])
        #expect(w.task("outer")?.outputData["iteration"] == 2)
    }

    @Test func staticForkJoinAndJavascriptSwitch() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "fork", "tasks": [
              {"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN",
               "forkTasks": [[{"name": "a", "taskReferenceName": "a", "type": "SIMPLE"}],
                             [{"name": "b", "taskReferenceName": "b", "type": "SIMPLE"},
                              {"name": "b2", "taskReferenceName": "b2", "type": "INLINE", "inputParameters": {"expression": "$.x * 2", "x": "${b.output.x}"}}]]},
              {"name": "join", "taskReferenceName": "join", "type": "JOIN", "joinOn": ["a", "b2"]},
              {"name": "pick", "taskReferenceName": "pick", "type": "SWITCH", "evaluatorType": "graaljs",
               "expression": "$.n > 5 ? 'big' : 'small'", "inputParameters": {"n": "${join.output.b2.result}"},
               "decisionCases": {"big": [{"name": "t", "taskReferenceName": "big", "type": "TERMINATE",
                  "inputParameters": {"terminationStatus": "COMPLETED", "workflowOutput": {"size": "big"}}}]},
               "defaultCase": [{"name": "small", "taskReferenceName": "small", "type": "SIMPLE"}]},
              {"name": "never", "taskReferenceName": "never", "type": "SIMPLE"}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "fork", workflowDef: def))
        let a = try await engine.pollOne("a")
        let b = try await engine.pollOne("b")
        try await engine.complete(b, ["x": 4])
        var w = try #require(try await engine.workflow(id: id, includeTasks: true))
        #expect(w.task("join")?.status == .inProgress)
        try await engine.complete(a, ["y": 1])
        w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.task("join")?.outputData == ["a": ["y": 1], "b2": ["result": 8]])
        #expect(w.task("fork")?.taskType == "FORK")
        #expect(w.output == ["size": "big"])
        #expect(w.task("never") == nil)
    }

    @Test func retriesHonourTaskDefsAndOptionalFailuresContinue() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        try await engine.registerTaskDefs([TaskDef(name: "flaky", retryCount: 1, retryLogic: "FIXED")])
        var flaky = try #require(try await engine.taskDef(named: "flaky"))
        flaky.retryDelaySeconds = 0
        try await engine.updateTaskDef(flaky)
        let def = try decodeDef(
            """
            {"name": "retry", "tasks": [
              {"name": "flaky", "taskReferenceName": "flaky", "type": "SIMPLE"},
              {"name": "opt", "taskReferenceName": "opt", "type": "SIMPLE", "optional": true, "retryCount": 0},
              {"name": "last", "taskReferenceName": "last", "type": "SIMPLE"}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "retry", workflowDef: def))
        let first = try await engine.pollOne("flaky")
        try await engine.updateTask(TaskResult(workflowInstanceId: id, taskId: first.taskId, status: .failed, reasonForIncompletion: "boom"))
        let second = try await engine.pollOne("flaky")
        #expect(second.taskId != first.taskId)
        #expect(second.retryCount == 1)
        #expect(second.retriedTaskId == first.taskId)
        try await engine.complete(second, [:])
        // A late duplicate update of the failed attempt is harmless.
        try await engine.complete(first, ["late": true])
        let opt = try await engine.pollOne("opt")
        try await engine.updateTask(TaskResult(workflowInstanceId: id, taskId: opt.taskId, status: .failed, reasonForIncompletion: "meh"))
        let last = try await engine.pollOne("last")
        try await engine.complete(last, [:])
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed)
        #expect(w.tasks.map(\.status) == [.failed, .completed, .completedWithErrors, .completed])
        #expect(w.tasks[0].outputData == [:])
    }

    @Test func nonOptionalFailureFailsTheWorkflow() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "fails", "tasks": [{"name": "w", "taskReferenceName": "w", "type": "SIMPLE"}, {"name": "x", "taskReferenceName": "x", "type": "SIMPLE"}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "fails", workflowDef: def))
        let t = try await engine.pollOne("w")
        try await engine.updateTask(
            TaskResult(workflowInstanceId: id, taskId: t.taskId, status: .failedWithTerminalError, reasonForIncompletion: "bad input"))
        let w = try await engine.waitFor(id)
        #expect(w.status == .failed)
        #expect(w.reasonForIncompletion == "Task \(t.taskId) failed with status: FAILED_WITH_TERMINAL_ERROR and reason: 'bad input'")
        #expect(w.failedReferenceTaskNames == ["w"])
        #expect(w.task("x") == nil)
    }

    @Test func inlineScriptErrorsFailTerminally() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "bad", "tasks": [{"name": "i", "taskReferenceName": "i", "type": "INLINE",
              "inputParameters": {"evaluatorType": "javascript", "expression": "$.nothing.here"}}]}
            """)
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "bad", workflowDef: def))
        let w = try #require(try await engine.workflow(id: id, includeTasks: true))
        #expect(w.status == .failed)
        #expect(w.tasks.first?.status == .failedWithTerminalError)
        #expect(w.tasks.first?.outputData["error"]?.stringValue?.contains("TypeError") == true)
    }
}
