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

    /// Task definition the server registers for a worker tool nobody registered yet. A worker that starts later
    /// registers its own (shorter response timeout kept alive by heartbeats); the server never overwrites it.
    static func defaultTaskDef(_ name: String) -> TaskDef {
        var def = TaskDef(
            name: name, retryCount: 2, retryLogic: "LINEAR_BACKOFF", retryDelaySeconds: 2, timeoutSeconds: 0,
            timeoutPolicy: "RETRY", responseTimeoutSeconds: 3600)
        def.description = "Agent tool \(name)"
        return def
    }

    /// An agent config compiled for the agent API.
    struct Compiled: Sendable {
        var def: WorkflowDef
        /// The config as received (with the server's defaults filled in).
        var json: JSONValue
        var config: AgentConfig
        /// The worker tasks the workflow schedules statically, plus swarm/hybrid transfer tools (§18.2).
        var requiredWorkers: [String]
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
            let compiler = AgentCompiler(prices: prices)
            var def = try compiler.compile(config)
            let required = compiler.requiredWorkers(of: def, config: config)
            var metadata = def.metadata ?? [:]
            metadata["agent_sdk"] = "conductor"
            metadata["agentDef"] = configJSON
            def.metadata = metadata
            return Compiled(def: def, json: configJSON, config: config, requiredWorkers: required)
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
        let configJSON: JSONValue
        do {
            configJSON = try JSONValue.from(config)
            let compiler = AgentCompiler()
            var def = try compiler.compile(config)
            var metadata = def.metadata ?? [:]
            metadata["agent_sdk"] = .string(framework)
            metadata["agentDef"] = raw
            def.metadata = metadata
            let required = compiler.requiredWorkers(of: def, config: config)
            // The SDK serves a framework agent's functions and nothing else (no transfer or check workers).
            let served = Set(Self.workerToolNames(configJSON))
            let unserved = required.filter { !served.contains($0) }
            guard unserved.isEmpty else {
                throw APIError.badRequest(
                    "invalid \(framework) agent: rawConfig: an agent with both tools and sub-agents (handoffs) compiles to a "
                        + "hybrid agent whose transfer workers (\(unserved.joined(separator: ", "))) the agentspan SDK does not "
                        + "serve for \(framework) agents; give the tools to a sub-agent, or import it as a spec "
                        + "(agentspanc import) and serve it with agentspanc worker")
            }
            return Compiled(def: def, json: configJSON, config: config, requiredWorkers: required)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("\(error)")
        }
    }

    /// Registers the workflow definition and the task definitions its tools need; returns `requiredWorkers`.
    func deploy(_ compiled: Compiled) async throws -> [String] {
        try await engine.registerWorkflowDef(compiled.def, overwrite: true)
        var missing: [TaskDef] = []
        for name in Self.workerToolNames(compiled.json) + compiled.requiredWorkers {
            if try await engine.taskDef(named: name) == nil, !missing.contains(where: { $0.name == name }) {
                missing.append(Self.defaultTaskDef(name))
            }
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
            let routed = compiled.requiredWorkers + Self.statefulToolNames(compiled.json)
            start.taskToDomain = Dictionary(routed.map { ($0, runID) }, uniquingKeysWith: { first, _ in first })
        }
        return try await engine.startWorkflow(start)
    }

    /// Names of the tools marked `stateful: true` in a config and its sub-agents.
    static func statefulToolNames(_ config: JSONValue) -> [String] {
        var names: [String] = []
        func walk(_ agent: JSONValue) {
            for tool in agent["tools"].arrayValue ?? [] where tool["stateful"].boolValue == true {
                if let name = tool["name"].stringValue, !names.contains(name) { names.append(name) }
            }
            for sub in agent["agents"].arrayValue ?? [] { walk(sub) }
        }
        walk(config)
        return names
    }

    /// Names of worker tools in a config and its sub-agents (the task names their workers poll).
    static func workerToolNames(_ config: JSONValue) -> [String] {
        var names: [String] = []
        func walk(_ agent: JSONValue) {
            for tool in agent["tools"].arrayValue ?? [] {
                let type = tool["toolType"].stringValue ?? "worker"
                if type == "worker" || type == "cli", let name = tool["name"].stringValue, !names.contains(name) {
                    names.append(name)
                }
            }
            for sub in agent["agents"].arrayValue ?? [] where sub["external"].boolValue != true { walk(sub) }
        }
        walk(config)
        return names
    }
}
