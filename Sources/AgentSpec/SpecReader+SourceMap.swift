import Workflow
import Yams

extension SpecReader {
    /// The locations of the agent written at `node` (whose present keys' values are `nodes`), in
    /// ``locationFile``.
    func sourceMap(of node: Node, nodes: [String: Node]) -> AgentSourceMap {
        func at(_ node: Node?) -> SpecLocation? {
            guard let mark = node?.mark else { return nil }
            return SpecLocation(file: locationFile, line: mark.line, column: mark.column)
        }
        /// `name` → the list entry, for the mapping entries of a list.
        func named(_ list: Node?) -> [String: SpecLocation] {
            guard case .sequence(let items)? = list else { return [:] }
            var out: [String: SpecLocation] = [:]
            for item in items {
                guard let name = child(item, "name")?.string, out[name] == nil, let location = at(item) else { continue }
                out[name] = location
            }
            return out
        }
        var guardrails = named(nodes["guardrails"])
        if case .sequence(let tools)? = nodes["tools"] {
            for tool in tools {
                guardrails.merge(named(child(tool, "guardrails"))) { first, _ in first }
            }
        }
        return AgentSourceMap(
            agent: at(node) ?? SpecLocation(file: locationFile, line: 1, column: 1), model: at(nodes["model"]),
            tools: named(nodes["tools"]), guardrails: guardrails, gate: at(keyNode(node, "gate")),
            handoffs: at(keyNode(node, "handoffs") ?? keyNode(node, "agents")), router: at(nodes["router"]))
    }

    /// The key node of `key` in a mapping node (where a person reads the key, not its value on the next line).
    private func keyNode(_ node: Node, _ key: String) -> Node? {
        guard case .mapping(let mapping) = node else { return nil }
        return mapping.first { $0.key.string == key }?.key
    }
}
