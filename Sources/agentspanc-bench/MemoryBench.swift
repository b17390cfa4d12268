import ArgumentParser
import Foundation
import Workflow

/// Resident memory of a real `agentspanc server` process holding many executions that wait on HUMAN tasks.
struct MemoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "RSS of the server process with N executions waiting on HUMAN tasks.")

    @Option(help: "Executions to start.") var executions = 1000
    @Option(help: "The agentspanc binary (default: next to this one).") var binary: String?

    func run() async throws {
        let executable = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("agentspanc").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("no agentspanc binary at \(executable): build it (swift build -c release) or pass --binary")
        }
        let port = 20000 + Int.random(in: 0..<20000)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("agentspanc-mem-\(UUID().uuidString)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["server", "--port", String(port), "--data", data, "--log-level", "error"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: data)
        }
        let http = BenchHTTP(base: "http://127.0.0.1:\(port)")
        for _ in 0..<200 {
            if let (status, _) = try? await http.call(.GET, "/health"), status == 200 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let idle = rss(process.processIdentifier)
        let firstTaskIdle = try await firstTask(http)
        let def = WorkflowDef(name: "bench_wait", tasks: [
            WorkflowTask(name: "approve", taskReferenceName: "approve", type: "HUMAN", inputParameters: ["tool_name": "deploy"]),
            WorkflowTask(name: "after", taskReferenceName: "after", type: "SET_VARIABLE", inputParameters: ["done": true]),
        ])
        _ = try await http.call(.POST, "/api/metadata/workflow?overwrite=true", body: try JSONValue.from(def).jsonText())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in 0..<16 {
                group.addTask {
                    for _ in stride(from: batch, to: executions, by: 16) {
                        _ = try await http.call(.POST, "/api/workflow/bench_wait", body: #"{"who":"bench"}"#)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .seconds(1))
        let (_, running) = try await http.call(.GET, "/api/workflow/search?status=RUNNING&size=1000")
        let waiting = (try? JSONDecoder().decode(SearchCount.self, from: Data(running.readableBytesView)).totalHits) ?? -1
        let loaded = rss(process.processIdentifier)
        let firstTaskLoaded = try await firstTask(http)
        report("server RSS idle", String(format: "%.1f MiB", Double(idle) / 1024))
        report(
            "server RSS with \(executions) executions waiting on HUMAN tasks (\(waiting) RUNNING reported)",
            String(format: "%.1f MiB", Double(loaded) / 1024), target: "≤ 200 MiB")
        report("start → first task handed to a waiting long poll, idle server", firstTaskIdle.summary)
        report("start → first task handed to a waiting long poll, \(executions) executions waiting", firstTaskLoaded.summary,
               target: "unchanged")
    }

    /// Starts one-task workflows one after another while a worker long-polls for their task: start request sent →
    /// task received.
    private func firstTask(_ http: BenchHTTP) async throws -> Sample {
        let def = WorkflowDef(name: "bench_first", tasks: [
            WorkflowTask(name: "bench_first_task", taskReferenceName: "t", type: "SIMPLE"),
        ])
        _ = try await http.call(.POST, "/api/metadata/workflow?overwrite=true", body: try JSONValue.from(def).jsonText())
        var sample = Sample()
        let clock = ContinuousClock()
        for i in 0..<60 {
            let poller = Task { () -> (ConductorTask?, ContinuousClock.Instant) in
                let task = try await http.tasks("/api/tasks/poll/batch/bench_first_task?count=1&timeout=5000").first
                return (task, clock.now)
            }
            try await Task.sleep(for: .milliseconds(10))  // the long poll is parked on the server
            let sent = clock.now
            _ = try await http.call(.POST, "/api/workflow/bench_first", body: "{}")
            let (task, arrived) = try await poller.value
            guard let task else { continue }
            _ = try await http.complete(task, v2: false)
            if i >= 10 { sample.add(arrived - sent) }
        }
        return sample
    }

    /// VmRSS of a process in KiB (Linux).
    private func rss(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return -1
    }
}

private struct SearchCount: Decodable { let totalHits: Int }
