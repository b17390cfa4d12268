import AgentRuntime
import ArgumentParser
import Foundation
import Logging
import UnixSignals
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
        // Fail with one clear error, not a worker backing off from an unreachable server.
        try await runtime.client.conductor.checkHealth()
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

    /// Runs `body` with `served` (if any) polling, and stops the worker afterwards. SIGINT or SIGTERM while it
    /// serves stops it gracefully — running tools get its grace period, then are killed and reported failed so
    /// the server hands them to another worker at once (terminally for `idempotent: false` tools, which must not
    /// run twice) — and exits with 130.
    /// `executionID` names the execution in the message printed on interruption, once it is known.
    static func serving<T: Sendable>(
        _ served: ServedWorker?, executionID: @escaping @Sendable () -> String?,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let served else { return try await body() }
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let outcome = await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                for await _ in signals {
                    let attach = executionID().map { "agentspanc stream \($0) --serve SPEC" } ?? "agentspanc stream ID"
                    FileHandle.standardError.write(Data(
                        "\nstopping the tools served here; the execution goes on (attach again with `\(attach)`)\n".utf8))
                    return nil
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        await served.stop()
        switch outcome {
        case .success(let value): return value
        case .failure(let error): throw error
        case nil: throw ExitCode(130)
        }
    }
}
