import Foundation
import Testing
import Workflow

@testable import Engine

/// Figures for runaway work beside ordinary work (set AGENTSPANC_BENCH=1 to run them; they print, never assert
/// on timings).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AGENTSPANC_BENCH"] != nil))
struct FairnessBenchmarks {
    @Test func unrelatedStartBesideFiveInfiniteLoops() async throws {
        let engine = try await makeEngine { $0.scriptTimeLimit = 4 }
        defer { Task { await engine.shutdown() } }
        let other = try decodeDef(#"{"name": "other", "tasks": [{"name": "x", "taskReferenceName": "x", "type": "SET_VARIABLE", "inputParameters": {"a": 1}}]}"#)
        var started = ContinuousClock.now
        _ = try await engine.startWorkflow(StartWorkflowRequest(name: "other", workflowDef: other))
        let alone = ContinuousClock.now - started
        let loop = try decodeDef(
            #"{"name": "spin", "tasks": [{"name": "s", "taskReferenceName": "s", "type": "INLINE", "inputParameters": {"evaluatorType": "javascript", "expression": "while (true) {}"}}]}"#)
        let loops = Task {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<5 { group.addTask { try await engine.startWorkflow(StartWorkflowRequest(name: "spin", workflowDef: loop)) } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        started = ContinuousClock.now
        _ = try await engine.startWorkflow(StartWorkflowRequest(name: "other", workflowDef: other))
        let beside = ContinuousClock.now - started
        print("BENCH unrelated start: \(alone) alone, \(beside) beside 5 infinite-loop INLINE tasks")
        for id in try await loops.value { _ = try await engine.waitFor(id, timeout: .seconds(120)) }
    }

    @Test func dynamicForkStart() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let def = try decodeDef(
            """
            {"name": "fan_out", "tasks": [
              {"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN_DYNAMIC",
               "inputParameters": {"forkTaskName": "noop", "forkTaskType": "NOOP", "forkTaskInputs": "${workflow.input.items}"}},
              {"name": "join", "taskReferenceName": "join", "type": "JOIN"}]}
            """)
        for n in [1_000, 100_000] {
            let items: [JSONValue] = Array(repeating: ["x": 1], count: n)
            let started = ContinuousClock.now
            let id = try await engine.startWorkflow(StartWorkflowRequest(name: "fan_out", input: ["items": .array(items)], workflowDef: def))
            let start = ContinuousClock.now - started
            let w = try await engine.waitFor(id, timeout: .seconds(600))
            print("BENCH FORK_JOIN_DYNAMIC of \(n) branches: start returned in \(start), \(w.status) after \(ContinuousClock.now - started)")
        }
    }

    @Test func deepInputParameters() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let resolver = ExpressionResolver(document: ["workflow": ["input": ["x": 7]]])
        var nested: JSONValue = "${workflow.input.x}"
        for _ in 0..<500 { nested = ["a": nested] }
        let params: [String: JSONValue] = ["p": nested]
        var started = ContinuousClock.now
        for _ in 0..<20 { _ = resolver.resolve(params) }
        let resolve = (ContinuousClock.now - started) / 20
        var def = try decodeDef(#"{"name": "deep", "tasks": [{"name": "deep_work", "taskReferenceName": "d", "type": "SIMPLE"}]}"#)
        def.tasks[0].inputParameters = params
        let body = try JSONEncoder().encode(StartWorkflowRequest(name: "deep", input: ["x": 7], workflowDef: def))
        started = ContinuousClock.now
        var outcome = "started"
        do {
            let request = try JSONDecoder().decode(StartWorkflowRequest.self, from: body)
            _ = try await engine.startWorkflow(request)
        } catch {
            outcome = "refused (\(error))"
        }
        print("BENCH 500-deep inputParameters: resolve \(resolve); decode + start \(ContinuousClock.now - started), \(outcome)")
    }
}
