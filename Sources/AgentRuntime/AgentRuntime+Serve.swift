import AgentSpec
import ConductorClient
import Foundation
import Logging
import Worker
import Workflow

/// A tool worker running inside this process (see ``AgentRuntime/serve(_:tools:blocking:)``).
public final class ServedWorker: Sendable {
    /// The worker, for its task names and metrics.
    public let worker: ToolWorker
    private let task: Task<Void, any Error>

    init(worker: ToolWorker) {
        self.worker = worker
        self.task = Task { try await worker.run() }
    }

    /// Stops polling, lets running tools finish within the worker's grace period, and returns when it has stopped.
    public func stop() async {
        worker.shutdown()
        _ = try? await task.value
    }

    /// Serves the tools of `agents` from now on instead of those served so far (the Swift tools stay); running
    /// calls finish undisturbed. See ``ToolWorker/reload(_:)``.
    @discardableResult
    public func reload(_ agents: [Agent]) throws -> ToolWorker.ReloadSummary {
        try worker.reload(AgentRuntime.workerTasks(of: agents))
    }

    /// Waits until the worker stops (it runs until ``stop()`` or cancellation).
    public func wait() async throws {
        try await task.value
    }
}

extension AgentRuntime {
    /// Serves the tools of `agents` — every tool bound with `run:` (commands, plugins), the system workers their
    /// strategies call (termination, transfers, handoff checks, manual selection) and user-code tasks bound with
    /// `run:` — and the given Swift `tools` from this process, polling the same server this runtime talks to.
    ///
    /// The task definitions are registered before it returns (unless `configuration` says not to), so an execution
    /// started afterwards gets their short response timeout; when the server cannot take them yet, the worker
    /// keeps trying beside its polling. With `blocking: false` it returns with the running worker; with
    /// `blocking: true` it serves until the task is cancelled. Agents whose tools the server must call need a worker somewhere; this is the
    /// in-process one.
    @discardableResult
    public func serve(
        _ agents: [Agent], tools: [any Tool] = [], blocking: Bool = false,
        configuration: ToolWorker.Configuration = .init(), logger: Logger = Logger(label: "agentspanc.worker")
    ) async throws -> ServedWorker {
        let specTools = try Self.workerTasks(of: agents)
        let worker = try ToolWorker(
            client: client.conductor, tools: tools, specTools: specTools, configuration: configuration, logger: logger)
        if configuration.registerTaskDefinitions, !worker.taskNames.isEmpty { try? await worker.registerTaskDefinitions() }
        let served = ServedWorker(worker: worker)
        if blocking { try await served.wait() }
        return served
    }

    /// What a worker serving `agents` would poll: their `run:`-bound tools, system workers and user-code tasks
    /// (relative paths anchored at each agent's spec file, or the current directory for agents built in Swift).
    public static func workerTasks(of agents: [Agent]) throws -> SpecTools {
        var specTools = SpecTools()
        for agent in agents {
            try specTools.add(agent.config, baseDirectory: agent.baseDirectory)
        }
        return specTools
    }

    /// Serves one agent's tools; see ``serve(_:tools:blocking:configuration:logger:)``.
    @discardableResult
    public func serve(_ agent: Agent, tools: [any Tool] = [], blocking: Bool = false) async throws -> ServedWorker {
        try await serve([agent], tools: tools, blocking: blocking)
    }
}
