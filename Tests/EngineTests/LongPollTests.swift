import Foundation
import Synchronization
import Testing
import Workflow

@testable import Engine

@Suite struct LongPollTests {
    static let twoStep = """
        {"name": "two_step", "tasks": [{"name": "hop_a", "taskReferenceName": "a", "type": "SIMPLE"},
                                       {"name": "hop_b", "taskReferenceName": "b", "type": "SIMPLE"}]}
        """

    @Test func emptyPollWaitsForTheTimeout() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let started = ContinuousClock.now
        let tasks = try await engine.poll(taskType: "nobody", workerID: nil, domain: nil, count: 1, timeout: .milliseconds(150))
        #expect(tasks.isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(140))
    }

    /// The hop from a worker's update to the next task handed to a parked long-poller is a wake-up, not a sleep.
    @Test func updateWakesAParkedPollerAtOnce() async throws {
        let engine = try await makeEngine(sweep: .seconds(60))
        defer { Task { await engine.shutdown() } }
        try await engine.registerWorkflowDef(try decodeDef(Self.twoStep), overwrite: true)
        var hops: [Duration] = []
        for _ in 0..<40 {
            let id = try await engine.startWorkflow(StartWorkflowRequest(name: "two_step"))
            let a = try await engine.pollOne("hop_a")
            let poller = Task {
                let tasks = try await engine.poll(taskType: "hop_b", workerID: "w", domain: nil, count: 1, timeout: .seconds(5))
                return (tasks, ContinuousClock.now)
            }
            try await Task.sleep(for: .milliseconds(5))
            let sent = ContinuousClock.now
            try await engine.complete(a, [:])
            let (tasks, received) = try await poller.value
            #expect(tasks.first?.workflowInstanceId == id)
            hops.append(received - sent)
            if let b = tasks.first { try await engine.complete(b, [:]) }
        }
        // Woken by the update, not by the 5 s poll timeout (figures: `agentspanc-bench engine`).
        hops.sort()
        #expect(hops[hops.count / 2] < .seconds(2))
    }

    @Test func batchPollAndQueueSizes() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        try await engine.registerWorkflowDef(try decodeDef(Self.twoStep), overwrite: true)
        for _ in 0..<3 { _ = try await engine.startWorkflow(StartWorkflowRequest(name: "two_step")) }
        #expect(try await engine.queueSizes(taskTypes: ["hop_a", "hop_b"]) == ["hop_a": 3, "hop_b": 0])
        let batch = try await engine.poll(taskType: "hop_a", workerID: "w", domain: nil, count: 2, timeout: .milliseconds(100))
        #expect(batch.count == 2)
        #expect(batch.allSatisfy { $0.status == .inProgress && $0.pollCount == 1 && $0.workerId == "w" })
        #expect(try await engine.queueSizes(taskTypes: ["hop_a"]) == ["hop_a": 1])
    }

    @Test func throughputOfTenTaskWorkflows() async throws {
        let engine = try await makeEngine(sweep: .seconds(60))
        defer { Task { await engine.shutdown() } }
        let tasks = (1...10).map { #"{"name": "step", "taskReferenceName": "s\#($0)", "type": "SIMPLE"}"# }.joined(separator: ",")
        try await engine.registerWorkflowDef(try decodeDef(#"{"name": "ten", "tasks": [\#(tasks)]}"#), overwrite: true)
        let workflows = 30
        let started = ContinuousClock.now
        var ids: [String] = []
        for _ in 0..<workflows { ids.append(try await engine.startWorkflow(StartWorkflowRequest(name: "ten"))) }
        var done = 0
        while done < workflows * 10 {
            let batch = try await engine.poll(taskType: "step", workerID: "w", domain: nil, count: 10, timeout: .seconds(2))
            try #require(!batch.isEmpty)
            for t in batch {
                try await engine.complete(t, ["ok": true])
                done += 1
            }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("throughput: \(Int(Double(done) / seconds)) tasks/s (\(done) tasks, debug build)")
        for id in ids { #expect(try await engine.workflow(id: id, includeTasks: false)?.status == .completed) }
    }
}
