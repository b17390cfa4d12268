import AgentSpec
import Workflow

/// LangChain, LangGraph and Claude Agent SDK agents. The agentspan SDK sends them in one of two shapes:
/// - passthrough, `{name, _worker_name}`: the SDK's worker `_worker_name` runs the whole agent as one task (§17.1);
/// - full extraction, `{name, model, instructions?, tools: [{_worker_ref, …}]}`: the server runs the model and the
///   SDK serves each tool, like any agent.
/// A LangGraph graph structure (`_graph`: nodes and edges, each node its own worker) becomes a graph agent
/// (``LangGraphGraphNormalizer``).
enum PassthroughNormalizer {
    static func agent(_ source: RawObject, framework: Framework) throws(FrameworkImportError) -> AgentConfig {
        var raw = source
        guard let name = try raw.string("name"), !name.isEmpty else {
            throw FrameworkImportError(path: raw.at("name"), "an agent needs a name")
        }
        if raw.has("_graph") {
            return try LangGraphGraphNormalizer.agent(&raw, name: name)
        }
        if raw.has("_worker_name") || !raw.has("model") {
            let worker = try raw.string("_worker_name") ?? name
            try raw.finish()
            return AgentConfig(
                name: name,
                tools: [ToolConfig(name: worker, description: "\(framework.rawValue) passthrough worker", toolType: "worker")],
                metadata: ["_framework_passthrough": true])
        }
        var config = AgentConfig(name: name)
        guard let model = try raw.string("model"), !model.isEmpty else {
            throw FrameworkImportError(path: raw.at("model"), "a model name is required")
        }
        config.model = model
        if let instructions = try raw.string("instructions"), !instructions.isEmpty { config.instructions = .string(instructions) }
        config.temperature = try raw.double("temperature")
        config.maxTokens = try raw.int("max_tokens")
        for (i, tool) in try raw.array("tools").enumerated() {
            config.tools.append(
                try FrameworkTools.tool(tool, path: raw.at("tools[\(i)]"), framework: framework.rawValue, child: noAgentTools))
        }
        try raw.finish()
        return config
    }

    /// Extracted LangChain/LangGraph tools are functions; an embedded agent cannot occur.
    private static func noAgentTools(_ child: RawObject) throws(FrameworkImportError) -> AgentConfig {
        throw FrameworkImportError(path: child.path, "agent tools are not supported in this framework's agents")
    }
}
