import AgentSpec
import Workflow

/// LangChain, LangGraph and Claude Agent SDK agents. The agentspan SDK sends them in one of two shapes:
/// - passthrough, `{name, _worker_name}`: the SDK's worker `_worker_name` runs the whole agent as one task (§17.1);
/// - full extraction, `{name, model, instructions?, tools: [{_worker_ref, …}]}`: the server runs the model and the
///   SDK serves each tool, like any agent.
/// A LangGraph graph structure (`_graph`: nodes and edges, each node its own worker) becomes a graph agent
/// (`metadata._graph_structure`, linear graphs only).
enum PassthroughNormalizer {
    static func agent(_ source: RawObject, framework: Framework) throws(FrameworkImportError) -> AgentConfig {
        var raw = source
        guard let name = try raw.string("name"), !name.isEmpty else {
            throw FrameworkImportError(path: raw.at("name"), "an agent needs a name")
        }
        if raw.has("_graph") {
            return try graph(&raw, name: name)
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

    /// A LangGraph graph structure (`_graph`, one SDK worker per node) → `metadata._graph_structure`, which the
    /// compiler turns into one task per node (§17.2). Only linear graphs are supported: plain edges from `__start__`
    /// to `__end__`; conditional edges, fan-out, loops and LLM, human and subgraph nodes are refused by path.
    private static func graph(_ raw: inout RawObject, name: String) throws(FrameworkImportError) -> AgentConfig {
        guard var graph = try raw.object("_graph") else { throw FrameworkImportError(path: raw.at("_graph"), "expected an object") }
        let unsupported = "is not supported by agentspanc yet (linear graphs are); compile the graph with a checkpointer to run it as one passthrough task"
        var nodes: [JSONValue] = []
        for (i, value) in try graph.array("nodes").enumerated() {
            var node = try RawObject(value, path: graph.at("nodes[\(i)]"))
            for marker in ["_llm_node", "_human_node", "_subgraph_node"] where try node.bool(marker) == true {
                throw FrameworkImportError(path: node.at(marker), "a LangGraph \(marker.dropFirst().replacingOccurrences(of: "_", with: " ")) \(unsupported)")
            }
            guard let nodeName = try node.string("name"), let worker = try node.string("_worker_ref"), !worker.isEmpty else {
                throw FrameworkImportError(path: node.path, "a graph node needs a name and a _worker_ref")
            }
            try node.finish()
            nodes.append(["name": .string(nodeName), "_worker_ref": .string(worker)])
        }
        var sources: Set<String> = []
        var edges: [JSONValue] = []
        for (i, value) in try graph.array("edges").enumerated() {
            var edge = try RawObject(value, path: graph.at("edges[\(i)]"))
            guard let source = try edge.string("source"), let target = try edge.string("target") else {
                throw FrameworkImportError(path: edge.path, "an edge needs a source and a target")
            }
            guard sources.insert(source).inserted else {
                throw FrameworkImportError(path: edge.path, "a second edge from '\(source)' (fan-out) \(unsupported)")
            }
            try edge.finish()
            edges.append(["source": .string(source), "target": .string(target)])
        }
        let conditional = try graph.array("conditional_edges")
        if !conditional.isEmpty {
            throw FrameworkImportError(path: graph.at("conditional_edges[0]"), "a conditional edge \(unsupported)")
        }
        var structure: [String: JSONValue] = ["nodes": .array(nodes), "edges": .array(edges), "conditional_edges": []]
        if let key = try graph.string("input_key") { structure["input_key"] = .string(key) }
        try graph.finish()
        var config = AgentConfig(name: name, metadata: ["_graph_structure": .object(structure)])
        config.model = try raw.string("model")
        try raw.finish()
        return config
    }

    /// Extracted LangChain/LangGraph tools are functions; an embedded agent cannot occur.
    private static func noAgentTools(_ child: RawObject) throws(FrameworkImportError) -> AgentConfig {
        throw FrameworkImportError(path: child.path, "agent tools are not supported in this framework's agents")
    }
}
