import AgentRuntime
import ArgumentParser
import Logging
import Worker

/// The worker `run` (and `stream --serve`) start inside the CLI process for a spec's tools.
enum InProcessWorker {
    /// Starts a worker for a spec's `run:`-bound tools and the system workers of its strategy (nil for a deployed
    /// agent or a spec with nothing to serve). It polls alongside any other worker; its logs go to stderr,
    /// warnings only, so the event stream stays readable.
    static func start(for agent: Agent, runtime: AgentRuntime) async throws -> ServedWorker? {
        guard agent.specPath != nil else { return nil }
        let tasks: SpecTools
        do {
            tasks = try AgentRuntime.workerTasks(of: [agent])
        } catch {
            throw ValidationError("\(agent.specPath ?? agent.name): \(error)")
        }
        guard !tasks.isEmpty else { return nil }
        var logger = Logger(label: "agentspanc.cli.worker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        // A short poll so the command exits promptly once its execution has ended.
        let configuration = ToolWorker.Configuration(
            workerID: ToolWorker.defaultWorkerID + "/cli", pollTimeoutMilliseconds: 500, shutdownGracePeriod: .seconds(2))
        do {
            return try await runtime.serve([agent], configuration: configuration, logger: logger)
        } catch {
            throw ValidationError("\(agent.specPath ?? agent.name): \(error)")
        }
    }
}
