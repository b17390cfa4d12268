import Foundation
import Synchronization
import Testing
import Workflow

@testable import Engine

/// Scripts cannot hold up other executions or take the process's memory with them.
@Suite(.serialized) struct ScriptIsolationTests {
    static func inlineDef(_ name: String, _ expression: String) throws -> WorkflowDef {
        try decodeDef(
            """
            {"name": "\(name)", "tasks": [{"name": "script", "taskReferenceName": "script", "type": "INLINE",
              "inputParameters": {"evaluatorType": "javascript", "expression": \(JSONValue.string(expression).jsonText())}}]}
            """)
    }

    static let unrelated = """
        {"name": "unrelated", "tasks": [
          {"name": "quick", "taskReferenceName": "quick", "type": "INLINE",
           "inputParameters": {"evaluatorType": "javascript", "expression": "1 + 1"}},
          {"name": "after_quick", "taskReferenceName": "after", "type": "SIMPLE"}]}
        """

    /// Starts the unrelated execution, takes its worker task and completes it; returns the time that took.
    static func runUnrelated(_ engine: WorkflowEngine) async throws -> Duration {
        let started = ContinuousClock.now
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "unrelated", workflowDef: try decodeDef(unrelated)))
        let task = try await engine.pollOne("after_quick", timeout: .seconds(30))
        try await engine.complete(task, [:])
        let w = try await engine.waitFor(id, timeout: .seconds(30))
        #expect(w.status == .completed)
        #expect(w.task("quick")?.outputData["result"] == 2)
        return ContinuousClock.now - started
    }

    @Test func infiniteLoopsDoNotHoldUpOtherExecutions() async throws {
        let engine = try await makeEngine { $0.scriptTimeLimit = 8 }
        defer { Task { await engine.shutdown() } }
        let baseline = try await Self.runUnrelated(engine)

        let loop = try Self.inlineDef("spin", "while (true) {}")
        let loops = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<5 { group.addTask { try await engine.startWorkflow(StartWorkflowRequest(name: "spin", workflowDef: loop)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let withLoops = try await Self.runUnrelated(engine)
        // The unrelated execution started, ran its script and finished while runaway scripts were still running (none
        // can end before its 8 s limit); under the old global lock it waited for all of them, one after another.
        var running = 0
        for id in loops where try #require(try await engine.workflow(id: id, includeTasks: false)).status == .running { running += 1 }
        #expect(running > 0, "every runaway script ended before the unrelated execution finished")
        print("unrelated execution, start to completion: \(baseline) alone, \(withLoops) with 5 infinite-loop INLINE tasks running")

        // Each runaway script still ends with the time-limit reason.
        for id in loops {
            let w = try await engine.waitFor(id, timeout: .seconds(90))
            #expect(w.status == .failed)
            #expect(w.task("script")?.reasonForIncompletion == "Script execution exceeded the time limit of 8.0 s")
        }
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test func aScriptGrowingWithoutBoundFailsAtTheHeapLimitAndItsMemoryIsReturned() async throws {
        let engine = try await makeEngine {
            $0.scriptTimeLimit = 20
            $0.scriptHeapLimit = 64 << 20
        }
        defer { Task { await engine.shutdown() } }
        let before = Self.residentBytes()
        let grow = try Self.inlineDef("grow", "var a = []; while (true) { a.push(new Array(10000).fill(1.5)); }")
        let id = try await engine.startWorkflow(StartWorkflowRequest(name: "grow", workflowDef: grow))
        let w = try await engine.waitFor(id, timeout: .seconds(60))
        #expect(w.status == .failed)
        let reason = w.task("script")?.reasonForIncompletion ?? ""
        #expect(reason == "Script execution exceeded the memory limit of 64 MiB (its heap grew beyond it)", "\(reason)")
        // Everything the script allocated went with its virtual machine.
        let deadline = ContinuousClock.now + .seconds(20)
        var after = Self.residentBytes()
        while after > before + (256 << 20), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            after = Self.residentBytes()
        }
        print("RSS around a runaway allocation: \(before >> 20) MiB before, \(after >> 20) MiB after")
        #expect(after <= before + (256 << 20), "RSS stayed at \(after >> 20) MiB (was \(before >> 20) MiB)")
    }

    @Test func evaluatorStopsAtTheHeapLimit() {
        let scripts = ScriptEvaluator(timeLimit: 10, heapLimit: 32 << 20)
        #expect(throws: ScriptError.memoryLimit(bytes: 32 << 20)) {
            try scripts.evaluate("var a = []; while (true) { a.push('x'.repeat(1000) + a.length); }", input: [:])
        }
        #expect(throws: ScriptError.timeout(seconds: 0.2)) { try scripts.evaluate("while (true) {}", input: [:], timeLimit: 0.2) }
        #expect((try? scripts.evaluate("new Array(1000).fill(1).length", input: [:])) == 1000)
    }

    @Test func evaluationsRunInParallel() {
        // Two spinning scripts on two threads overlap in time: no lock serialises evaluations.
        let scripts = ScriptEvaluator(timeLimit: 1)
        let spans = Mutex<[(ContinuousClock.Instant, ContinuousClock.Instant)]>([])
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            Thread {
                let start = ContinuousClock.now
                _ = try? scripts.evaluate("while (true) {}", input: [:])
                spans.withLock { $0.append((start, ContinuousClock.now)) }
                done.signal()
            }.start()
        }
        done.wait()
        done.wait()
        let s = spans.withLock { $0 }
        #expect(s.count == 2)
        if s.count == 2 { #expect(s[0].0 < s[1].1 && s[1].0 < s[0].1, "the two evaluations did not overlap") }
    }
}
