import ArgumentParser
import Foundation
import Workflow

/// Hop latency and throughput of the embedded server's worker protocol, over real HTTP on loopback.
struct EngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Hop latency (update → next task handed to a long-poller) and tasks/s of 10-task SIMPLE workflows.")

    @Option(help: "Hops to measure.") var hops = 300
    @Option(help: "Workflows of 10 SIMPLE tasks for the throughput run.") var workflows = 300
    @Option(help: "Concurrent worker loops for the throughput run.") var concurrency = 8

    func run() async throws {
        let server = try await BenchServer.start()
        defer { Task { await server.stop() } }
        let http = BenchHTTP(base: server.url)
        try await hopLatency(http)
        try await throughput(http)
        await server.stop()
    }

    private func hopLatency(_ http: BenchHTTP) async throws {
        let def = WorkflowDef(name: "bench_hop", tasks: [
            WorkflowTask(name: "hop_a", taskReferenceName: "a", type: "SIMPLE"),
            WorkflowTask(name: "hop_b", taskReferenceName: "b", type: "SIMPLE"),
        ])
        _ = try await http.call(.POST, "/api/metadata/workflow?overwrite=true", body: try JSONValue.from(def).jsonText())
        var sample = Sample()
        let clock = ContinuousClock()
        for i in 0..<(hops + 20) {
            _ = try await http.call(.POST, "/api/workflow/bench_hop", body: "{}")
            guard let a = try await http.tasks("/api/tasks/poll/batch/hop_a?count=1&timeout=1000").first else { continue }
            let waiting = Task { () -> ContinuousClock.Instant? in
                let got = try await http.tasks("/api/tasks/poll/batch/hop_b?count=1&timeout=5000")
                let arrived = clock.now
                if let b = got.first { _ = try await http.complete(b, v2: false) }
                return got.isEmpty ? nil : arrived
            }
            try await Task.sleep(for: .milliseconds(15))  // the long poll is parked on the server
            let sent = clock.now
            _ = try await http.complete(a, v2: false)
            guard let arrived = try await waiting.value else { continue }
            if i >= 20 { sample.add(arrived - sent) }  // the first hops warm up connections
        }
        report("hop latency (task update → next task handed to a waiting long-poll, HTTP)", sample.summary, target: "p50 ≤ 5 ms")
    }

    private func throughput(_ http: BenchHTTP) async throws {
        let def = WorkflowDef(name: "bench_tput", tasks: (0..<10).map {
            WorkflowTask(name: "tput_step", taskReferenceName: "s\($0)", type: "SIMPLE", inputParameters: ["i": .int($0)])
        })
        _ = try await http.call(.POST, "/api/metadata/workflow?overwrite=true", body: try JSONValue.from(def).jsonText())
        for _ in 0..<workflows { _ = try await http.call(.POST, "/api/workflow/bench_tput", body: "{}") }
        let total = workflows * 10
        let clock = ContinuousClock()
        let started = clock.now
        let done = try await withThrowingTaskGroup(of: Int.self) { group in
            let counter = Counter()
            for _ in 0..<concurrency {
                group.addTask {
                    var mine = 0
                    while await counter.value < total {
                        var task = try await http.tasks("/api/tasks/poll/batch/tput_step?count=1&timeout=200").first
                        while let current = task {
                            task = try await http.complete(current, output: ["ok": true], v2: true)
                            mine += 1
                            await counter.add(1)
                        }
                    }
                    return mine
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report(
            "throughput (\(workflows) workflows × 10 SIMPLE tasks, \(concurrency) worker loops, update-v2, durable commits)",
            String(format: "%.0f tasks/s (%d tasks in %.2f s)", Double(done) / seconds, done, seconds), target: "≥ 1000 tasks/s")
    }
}

actor Counter {
    private(set) var value = 0
    func add(_ n: Int) { value += n }
}
