import AgentSpec
import Engine
import Foundation
import Hummingbird
import Workflow

/// `GET /api/agent/{name}/plan`: the outline `agentspanc plan` prints for a deployed agent — strategy,
/// sub-agents, models, each tool and exactly which commands, plugins and hosts it may reach.
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
            let plan = AgentPlan(config)
            let body: JSONValue = [
                "name": .string(def.name), "version": .int(def.version ?? 1),
                "description": def.description.map(JSONValue.string) ?? .null,
                "lines": .array(plan.lines.map(JSONValue.string)), "models": .array(plan.models.map(JSONValue.string)),
                "commands": .array(plan.commands.map(JSONValue.string)), "plugins": .array(plan.plugins.map(JSONValue.string)),
                "hosts": .array(plan.hosts.map(JSONValue.string)), "text": .string(plan.rendered),
            ]
            return try Reply.json(body)
        }
    }
}
