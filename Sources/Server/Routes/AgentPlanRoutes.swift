import AgentSpec
import Engine
import Foundation
import Hummingbird
import Workflow

/// `GET /api/agent/{name}/plan`: the outline `agentspanc plan` prints for a deployed agent — strategy,
/// sub-agents, models, each tool and exactly which commands, plugins and hosts it may reach — and, for each worker
/// tool, what the agentspanc worker that registered it runs and which workers polled it lately.
struct AgentPlanRoutes {
    let engine: WorkflowEngine

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.get("api/agent/:id/plan") { request, context in
            let name = try request.parameter("id", context)
            guard let def = try await engine.workflowDef(name: name, version: request.query("version").flatMap(Int.init)) else {
                throw APIError.notFound("Agent not found: \(name)")
            }
            guard let agentDef = def.metadata?["agentDef"] else { throw APIError.notFound("No agent definition found for: \(name)") }
            let config: AgentConfig
            do {
                config = try agentDef.decode(AgentConfig.self)
            } catch let error as DecodingError {
                throw APIError.badRequest("the stored agent definition of \(name) does not decode: \(error.humanReadable)")
            }
            var workerTools: [JSONValue] = []
            var registered: [String: ToolBinding] = [:]
            for (agent, tool) in Self.workerTools(of: config) {
                let taskDef = try await engine.taskDef(named: tool)
                registered[tool] = try? taskDef?.workerBinding?.decode(ToolBinding.self)
                let workers = engine.pollData(taskType: tool).map { entry -> JSONValue in
                    ["workerId": .string(entry.workerId), "domain": entry.domain.map(JSONValue.string) ?? .null,
                     "lastPollTime": .int(Int(entry.lastPollTime))]
                }
                let expected = def.metadata?["toolLock"]?[tool]["hash"].stringValue
                let served = taskDef?.workerLock
                var entry: [String: JSONValue] = [
                    "agent": .string(agent), "name": .string(tool),
                    "binding": taskDef?.workerBinding ?? .null,
                    "workers": .array(workers),
                ]
                if expected != nil || served != nil {
                    // Whether the registered worker serves the version of the tool this workflow was compiled with.
                    entry["lock"] = [
                        "expected": expected.map(JSONValue.string) ?? .null, "registered": served.map(JSONValue.string) ?? .null,
                        "matches": expected != nil && served != nil ? .bool(expected == served) : .null,
                    ]
                }
                workerTools.append(.object(entry))
            }
            let plan = AgentPlan(config, registeredBindings: registered)
            let body: JSONValue = [
                "name": .string(def.name), "version": .int(def.version ?? 1),
                "description": def.description.map(JSONValue.string) ?? .null,
                "lines": .array(plan.lines.map(JSONValue.string)), "models": .array(plan.models.map(JSONValue.string)),
                "commands": .array(plan.commands.map(JSONValue.string)), "plugins": .array(plan.plugins.map(JSONValue.string)),
                "hosts": .array(plan.hosts.map(JSONValue.string)), "text": .string(plan.rendered),
                "workerTools": .array(workerTools),
            ]
            return try Reply.json(body)
        }
    }

    /// The worker tools of an agent and its sub-agents (external agents run elsewhere), once each, as (agent, tool).
    static func workerTools(of config: AgentConfig) -> [(String, String)] {
        var found: [(String, String)] = []
        var seen: Set<String> = []
        func visit(_ agent: AgentConfig) {
            guard agent.external != true else { return }
            for tool in agent.tools where tool.effectiveType == "worker" && seen.insert(tool.name).inserted {
                found.append((agent.name, tool.name))
            }
            agent.agents.forEach(visit)
        }
        visit(config)
        return found
    }
}
