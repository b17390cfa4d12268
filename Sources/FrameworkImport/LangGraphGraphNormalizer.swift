import AgentSpec
import Workflow

/// A LangGraph graph structure (`rawConfig._graph`, a custom `StateGraph` compiled without a checkpointer) → a graph
/// agent: `metadata._graph_structure` (nodes, edges, conditional edges), which the compiler turns into one task
/// pipeline per node (§17.2), and one worker tool per function the SDK serves (node, router, LLM and subgraph
/// prep/finish workers), so the server registers their task definitions.
enum LangGraphGraphNormalizer {
    /// Reducers the fork merge reproduces: list concatenation.
    static let mergeableReducers: Set<String> = ["add", "operator.add", "concat"]

    static func agent(_ raw: inout RawObject, name: String) throws(FrameworkImportError) -> AgentConfig {
        guard var graph = try raw.object("_graph") else { throw FrameworkImportError(path: raw.at("_graph"), "expected an object") }
        let model = try raw.string("model")
        try raw.finish()
        var tools: [ToolConfig] = []
        var structure: [String: JSONValue] = [:]
        var subgraphs: [String: JSONValue] = [:]
        var names: Set<String> = []

        var nodes: [JSONValue] = []
        for (i, value) in try graph.array("nodes").enumerated() {
            var node = try RawObject(value, path: graph.at("nodes[\(i)]"))
            guard let nodeName = try node.string("name"), !nodeName.isEmpty else {
                throw FrameworkImportError(path: node.at("name"), "a graph node needs a name")
            }
            guard names.insert(nodeName).inserted else {
                throw FrameworkImportError(path: node.at("name"), "a second node named '\(nodeName)'")
            }
            guard let worker = try node.string("_worker_ref"), !worker.isEmpty else {
                throw FrameworkImportError(path: node.at("_worker_ref"), "a graph node needs a _worker_ref")
            }
            var spec: [String: JSONValue] = ["name": .string(nodeName), "_worker_ref": .string(worker)]
            let human = try node.bool("_human_node") == true
            let llm = try node.bool("_llm_node") == true
            let subgraph = try node.bool("_subgraph_node") == true
            if [human, llm, subgraph].filter({ $0 }).count > 1 {
                throw FrameworkImportError(path: node.path, "a node is at most one of an LLM, a human and a subgraph node")
            }
            if human {
                spec["_human_node"] = true
                if let prompt = try node.string("_human_prompt"), !prompt.isEmpty { spec["_human_prompt"] = .string(prompt) }
            } else if llm {
                spec["_llm_node"] = true
                for key in ["_llm_prep_ref", "_llm_finish_ref"] {
                    let ref = try required(&node, key, "an LLM node needs its prep and finish workers")
                    spec[key] = .string(ref)
                    tools.append(workerTool(ref, "\(key == "_llm_prep_ref" ? "LLM prep" : "LLM finish") for \(nodeName)"))
                }
            } else if subgraph {
                spec["_subgraph_node"] = true
                for key in ["_subgraph_prep_ref", "_subgraph_finish_ref"] {
                    let ref = try required(&node, key, "a subgraph node needs its prep and finish workers")
                    spec[key] = .string(ref)
                    tools.append(workerTool(ref, "\(key == "_subgraph_prep_ref" ? "Subgraph prep" : "Subgraph finish") for \(nodeName)"))
                }
                guard var sub = try node.object("_subgraph_config") else {
                    throw FrameworkImportError(path: node.at("_subgraph_config"), "a subgraph node needs the subgraph's graph")
                }
                guard let subName = try sub.string("name"), !subName.isEmpty else {
                    throw FrameworkImportError(path: sub.at("name"), "a subgraph needs a name")
                }
                guard sub.has("_graph") else {
                    throw FrameworkImportError(path: sub.at("_graph"), "a subgraph needs its graph structure")
                }
                var child = try agent(&sub, name: subName)
                if child.model == nil { child.model = model }
                tools += child.tools
                subgraphs[nodeName] = (try? JSONValue.from(child)) ?? .null
            } else {
                tools.append(workerTool(worker, "Graph node \(nodeName)"))
            }
            try node.finish()
            nodes.append(.object(spec))
        }
        structure["nodes"] = .array(nodes)

        var edges: [JSONValue] = []
        var fansOut = false
        var sources: Set<String> = []
        for (i, value) in try graph.array("edges").enumerated() {
            var edge = try RawObject(value, path: graph.at("edges[\(i)]"))
            guard let source = try edge.string("source"), let target = try edge.string("target") else {
                throw FrameworkImportError(path: edge.path, "an edge needs a source and a target")
            }
            try known(source, names, edge.at("source"), allowed: "__start__")
            try known(target, names, edge.at("target"), allowed: "__end__")
            if !sources.insert(source).inserted { fansOut = true }
            try edge.finish()
            edges.append(["source": .string(source), "target": .string(target)])
        }
        structure["edges"] = .array(edges)

        var conditional: [JSONValue] = []
        var routed: Set<String> = []
        for (i, value) in try graph.array("conditional_edges").enumerated() {
            var edge = try RawObject(value, path: graph.at("conditional_edges[\(i)]"))
            guard let source = try edge.string("source") else {
                throw FrameworkImportError(path: edge.at("source"), "a conditional edge needs a source")
            }
            try known(source, names, edge.at("source"), allowed: "__start__")
            guard source != "__start__" else {
                throw FrameworkImportError(path: edge.at("source"), "a conditional entry point (routing from __start__) is not supported; add a first node that routes")
            }
            guard routed.insert(source).inserted else {
                throw FrameworkImportError(path: edge.path, "a second conditional edge from '\(source)' is not supported; route with one function")
            }
            if sources.contains(source) {
                throw FrameworkImportError(path: edge.path, "'\(source)' has both a plain edge and a conditional edge; agentspanc cannot run both")
            }
            let router = try required(&edge, "_router_ref", "a conditional edge needs its router worker")
            let targetsValue = edge.take("targets")
            guard let targets = targetsValue.objectValue, !targets.isEmpty else {
                throw FrameworkImportError(path: edge.at("targets"), "a conditional edge needs its targets {decision: node}")
            }
            for (decision, target) in targets.sorted(by: { $0.key < $1.key }) {
                guard let node = target.stringValue else {
                    throw FrameworkImportError(path: edge.at("targets.\(decision)"), "expected a node name")
                }
                try known(node, names, edge.at("targets.\(decision)"), allowed: "__end__")
            }
            var spec: [String: JSONValue] = ["source": .string(source), "_router_ref": .string(router), "targets": targetsValue]
            if try edge.bool("_dynamic_fanout") == true {
                spec["_dynamic_fanout"] = true
                fansOut = true
            }
            try edge.finish()
            tools.append(workerTool(router, "Router for \(source)"))
            conditional.append(.object(spec))
        }
        structure["conditional_edges"] = .array(conditional)

        if let key = try graph.string("input_key") { structure["input_key"] = .string(key) }
        if try graph.bool("_input_is_messages") == true { structure["_input_is_messages"] = true }
        if try graph.bool("_is_subgraph") == true { structure["_is_subgraph"] = true }
        var metadata: [String: JSONValue] = [:]
        if let reducers = try graph.object("_reducers") {
            var mapped: [String: JSONValue] = [:]
            var reader = reducers
            for field in reducers.keys {
                guard let reducer = try reader.string(field) else { continue }
                // Reducers only matter where parallel branches merge; there only concatenation is reproduced.
                if fansOut && !mergeableReducers.contains(reducer) {
                    throw FrameworkImportError(
                        path: reader.at(field),
                        "the reducer '\(reducer)' merges parallel branches in a way agentspanc cannot reproduce (only operator.add is)")
                }
                mapped[field] = .string(reducer)
            }
            if !mapped.isEmpty { metadata["_reducers"] = .object(mapped) }
        }
        if let policies = try graph.object("_retry_policies") {
            var reader = policies
            var mapped: [String: JSONValue] = [:]
            for node in policies.keys {
                guard var policy = try reader.object(node) else { continue }
                try known(node, names, policy.path, allowed: nil)
                var out: [String: JSONValue] = [:]
                if let attempts = try policy.int("max_attempts") { out["max_attempts"] = .int(attempts) }
                if let interval = try policy.double("initial_interval") { out["initial_interval"] = .double(interval) }
                if let factor = try policy.double("backoff_factor") { out["backoff_factor"] = .double(factor) }
                // The cap between attempts: the engine's backoff of a node's few retries stays far below LangGraph's default.
                policy.ignore("max_interval")
                try policy.finish()
                mapped[node] = .object(out)
            }
            if !mapped.isEmpty { metadata["_retry_policies"] = .object(mapped) }
        }
        if let limit = try graph.int("_recursion_limit") {
            guard limit > 0 else { throw FrameworkImportError(path: graph.at("_recursion_limit"), "expected a positive number") }
            metadata["_recursion_limit"] = .int(limit)
        }
        try graph.finish()
        metadata["_graph_structure"] = .object(structure)
        if !subgraphs.isEmpty { metadata["_subgraph_configs"] = .object(subgraphs) }
        var seen: Set<String> = []
        var config = AgentConfig(name: name, tools: tools.filter { seen.insert($0.name).inserted }, metadata: metadata)
        config.model = model
        return config
    }

    private static func workerTool(_ name: String, _ description: String) -> ToolConfig {
        ToolConfig(name: name, description: description, toolType: "worker")
    }

    private static func required(_ raw: inout RawObject, _ key: String, _ message: String) throws(FrameworkImportError) -> String {
        guard let value = try raw.string(key), !value.isEmpty else { throw FrameworkImportError(path: raw.at(key), message) }
        return value
    }

    /// `name` must be a node of the graph (or the one pseudo-node `allowed`).
    private static func known(_ name: String, _ names: Set<String>, _ path: String, allowed: String?) throws(FrameworkImportError) {
        guard names.contains(name) || name == allowed else {
            throw FrameworkImportError(path: path, "'\(name)' is not a node of the graph")
        }
    }
}
