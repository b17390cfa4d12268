import ArgumentParser

/// `agentspanc-bench`: the project's performance figures, printed as numbers (run with `-c release`).
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentspanc-bench",
        abstract: "Measure agentspanc: engine hop latency and throughput, memory, event latency, agent overhead.",
        subcommands: [EngineBench.self, MemoryBench.self, EventBench.self, WorkerBench.self, DashboardBench.self, StoreBench.self])
}
