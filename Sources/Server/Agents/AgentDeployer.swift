import AgentCompiler
import AgentSpec
import Engine
import Foundation
import FrameworkImport
import Workflow

/// Compiles agent configs received over the agent API, registers what they need, and starts executions.
struct AgentDeployer: Sendable {
    let engine: WorkflowEngine
    /// Prices for agent budgets.
    var prices: PriceTable = .standard

    /// An agent config compiled for the agent API.
    struct Compiled: Sendable {
        /// What the compiler made of it, with the server's `agent_sdk` in the workflow's metadata (and, for a
        /// framework agent, its `rawConfig` as `agentDef`).
        var agent: CompiledAgent
        /// The config, with the server's defaults filled in.
        var config: AgentConfig

        var def: WorkflowDef { agent.workflowDef }
        var requiredWorkers: [String] { agent.requiredWorkers }
    }

    /// Compiles the request's agent config. Throws 400 with the compiler's message for an invalid config.
    func compile(_ request: AgentStartRequest) throws -> Compiled {
        if let framework = request.framework, !framework.isEmpty {
            return try compileFramework(framework, request: request)
        }
        guard var configJSON = request.agentConfig, configJSON.objectValue != nil else {
            throw APIError.badRequest("agentConfig is required")
        }
        if var object = configJSON.objectValue {
            if (object["name"]?.stringValue ?? "").isEmpty { object["name"] = "agent_plan" }
            if let timeout = request.timeoutSeconds, timeout > 0 { object["timeoutSeconds"] = .int(timeout) }
            configJSON = .object(object)
        }
        let config: AgentConfig
        do {
            config = try configJSON.decode(AgentConfig.self)
        } catch let error as DecodingError {
            throw APIError.badRequest("invalid agentConfig: \(error.humanReadable)")
        }
        do {
            var compiled = try AgentCompiler(prices: prices).compiledAgent(config)
            compiled.workflowDef.metadata = (compiled.workflowDef.metadata ?? [:]).merging(["agent_sdk": "conductor"]) { $1 }
            return Compiled(agent: compiled, config: config)
        } catch {
            throw APIError.badRequest("\(error)")
        }
    }

    /// A framework agent (`framework` + `rawConfig`, as the agentspan SDKs send one): normalised into an agent config
    /// (or a passthrough agent run by the SDK's own worker), then compiled like any other. The stored `agentDef` is
    /// the `rawConfig` as received and `agent_sdk` the framework, as Agentspan stores them.
    private func compileFramework(_ framework: String, request: AgentStartRequest) throws -> Compiled {
        guard let raw = request.rawConfig, raw.objectValue != nil else {
            throw APIError.badRequest("rawConfig is required for a '\(framework)' agent and must be an object")
        }
        var config: AgentConfig
        do {
            config = try FrameworkImporter.normalize(framework: framework, rawConfig: raw)
        } catch {
            throw APIError.badRequest("invalid \(framework) agent: \(error)")
        }
        if let timeout = request.timeoutSeconds, timeout > 0 { config.timeoutSeconds = timeout }
        do {
            var compiled = try AgentCompiler().compiledAgent(config)
            var metadata = compiled.workflowDef.metadata ?? [:]
            metadata["agent_sdk"] = .string(framework)
            metadata["agentDef"] = raw
            compiled.workflowDef.metadata = metadata
            // The SDK serves a framework agent's functions and nothing else (no transfer or check workers).
            let graphWorkers = (config.metadata?["_graph_structure"]?["nodes"].arrayValue ?? []).compactMap { $0["_worker_ref"].stringValue }
            let tools = compiled.workerTasks.compactMap { task -> String? in
                if case .tool = task.kind { return task.name } else { return nil }
            }
            let served = Set(tools + graphWorkers)
            let unserved = compiled.requiredWorkers.filter { !served.contains($0) }
            guard unserved.isEmpty else {
                throw APIError.badRequest(
                    "invalid \(framework) agent: rawConfig: an agent with both tools and sub-agents (handoffs) compiles to a "
                        + "hybrid agent whose transfer workers (\(unserved.joined(separator: ", "))) the agentspan SDK does not "
                        + "serve for \(framework) agents; give the tools to a sub-agent, or import it as a spec "
                        + "(agentspanc import) and serve it with agentspanc worker")
            }
            return Compiled(agent: compiled, config: config)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("\(error)")
        }
    }

    /// Registers the workflow definition and, where absent, the compiler's task definitions of its worker tasks
    /// (a worker that registered its own first, with a short response timeout kept alive by heartbeats, keeps
    /// them); returns `requiredWorkers`.
    func deploy(_ compiled: Compiled) async throws -> [String] {
        try await engine.registerWorkflowDef(compiled.def, overwrite: true)
        var missing: [TaskDef] = []
        for def in compiled.agent.taskDefinitions where try await engine.taskDef(named: def.name) == nil {
            missing.append(def)
        }
        // The read above only spares a write when everything exists; the write is an atomic "register where absent",
        // so a worker registering after the read keeps its short response timeout instead of this default's hour.
        if !missing.isEmpty { try await engine.registerTaskDefsIfAbsent(missing) }
        return compiled.requiredWorkers
    }

    /// Starts an execution of a deployed definition (or returns the execution with the same idempotency key).
    /// A request with a `runId` (a stateful run) routes the required workers and every `stateful` tool to the task
    /// domain `runId`, where the client's workers for this run poll; everything else stays in the default domain.
    func start(_ compiled: Compiled, request: AgentStartRequest) async throws -> String {
        let def = compiled.def
        if let key = request.idempotencyKey, !key.isEmpty {
            for status in [WorkflowStatus.running, .completed] {
                let found = try await engine.searchWorkflows(name: def.name, status: status, limit: 1000)
                if let existing = found.first(where: { $0.correlationId == key }) { return existing.workflowId }
            }
        }
        var input: [String: JSONValue] = [
            "prompt": .string(request.prompt ?? ""),
            "media": .array((request.media ?? []).map(JSONValue.string)),
            "context": .object(request.context ?? [:]),
            "session_id": .string(request.sessionId ?? ""),
            "cwd": "."
        ]
        if let cwd = request.rawConfig?["cwd"].stringValue { input["cwd"] = .string(cwd) }
        if let credentials = request.credentials, !credentials.isEmpty {
            input["credentials"] = .array(credentials.map(JSONValue.string))
        }
        var start = StartWorkflowRequest(
            name: def.name, version: def.version, correlationId: request.idempotencyKey, input: input, workflowDef: def)
        if let runID = request.runId, !runID.isEmpty {
            let stateful = compiled.agent.workerTasks.compactMap { task -> String? in
                if case .tool(let tool) = task.kind, tool.stateful == true { return task.name } else { return nil }
            }
            let routed = compiled.requiredWorkers + stateful
            start.taskToDomain = Dictionary(routed.map { ($0, runID) }, uniquingKeysWith: { first, _ in first })
        }
        return try await engine.startWorkflow(start)
    }
}
