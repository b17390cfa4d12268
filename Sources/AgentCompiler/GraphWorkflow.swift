import AgentSpec
import Workflow

/// LangGraph graph structures (`metadata._graph_structure`, §17.2), the linear subset: nodes joined by plain edges
/// from `__start__` to `__end__`, each node one SIMPLE task of its `_worker_ref` that takes the graph state and
/// returns `{state, result}`. Fan-out, conditional edges and LLM, human and subgraph nodes are refused.
struct GraphWorkflow {
    let agent: AgentUnit
    let graph: JSONValue

    func compile() throws(CompileError) -> WorkflowDef {
        let x = agent.x
        var workers: [String: String] = [:]
        for node in graph["nodes"].arrayValue ?? [] {
            guard let name = node["name"].stringValue, let worker = node["_worker_ref"].stringValue, !worker.isEmpty else {
                throw CompileError("Graph agent '\(x)': every node needs a name and a _worker_ref")
            }
            for marker in ["_llm_node", "_human_node", "_subgraph_node"] where node[marker].boolValue == true {
                throw CompileError("Graph agent '\(x)': node '\(name)' is a \(marker.dropFirst()), which is not supported yet")
            }
            workers[name] = worker
        }
        if let conditional = graph["conditional_edges"].arrayValue, !conditional.isEmpty {
            throw CompileError("Graph agent '\(x)': conditional edges are not supported yet")
        }
        var next: [String: String] = [:]
        for edge in graph["edges"].arrayValue ?? [] {
            guard let source = edge["source"].stringValue, let target = edge["target"].stringValue else {
                throw CompileError("Graph agent '\(x)': every edge needs a source and a target")
            }
            if let other = next.updateValue(target, forKey: source) {
                throw CompileError("Graph agent '\(x)': '\(source)' fans out to '\(other)' and '\(target)', which is not supported yet")
            }
        }
        let inputKey = graph["input_key"].stringValue ?? "request"
        let initial: JSONValue =
            inputKey == "messages"
            ? ["messages": [["role": "user", "content": "${workflow.input.prompt}"]]]
            : .object([inputKey: "${workflow.input.prompt}"])
        var tasks: [WorkflowTask] = []
        var visited: Set<String> = []
        var current = "__start__"
        while let target = next[current], target != "__end__" {
            guard let worker = workers[target] else {
                throw CompileError("Graph agent '\(x)': edge from '\(current)' goes to unknown node '\(target)'")
            }
            guard visited.insert(target).inserted else {
                throw CompileError("Graph agent '\(x)': the edges loop back to '\(target)', which is not supported yet")
            }
            let state: JSONValue = tasks.last.map { expr("\($0.taskReferenceName).output.state") } ?? initial
            tasks.append(.simple(worker, ref: worker, ["state": state]))
            current = target
        }
        guard next[current] == "__end__", let last = tasks.last else {
            throw CompileError("Graph agent '\(x)': no path of edges from __start__ to __end__")
        }
        var def = WorkflowDef(
            name: x, version: 1, tasks: tasks,
            inputParameters: ["prompt", "session_id", "media", "cwd", "context", "__agentspan_ctx__"],
            outputParameters: ["result": expr("\(last.taskReferenceName).output.result")],
            schemaVersion: 2, restartable: true, timeoutPolicy: "ALERT_ONLY", timeoutSeconds: 0)
        var metadata = agent.config.metadata ?? [:]
        metadata["_graph_workflow"] = true
        if let model = agent.config.model { metadata["model"] = .string(model) }
        def.metadata = metadata
        return def
    }
}
