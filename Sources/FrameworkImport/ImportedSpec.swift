import AgentSpec
import Foundation
import Workflow
import Yams

/// An imported framework agent written as a spec file: the agent config in YAML, each worker tool bound with a
/// `run:` placeholder (`./tools/<name>`, arguments as JSON on stdin) to replace with the program that implements it.
public struct ImportedSpec: Sendable {
    /// The agent config, with the placeholders.
    public var config: AgentConfig
    /// The framework it came from.
    public var framework: Framework

    /// Binds every worker tool of `config` (and of its sub-agents) to a placeholder command.
    public init(_ config: AgentConfig, framework: Framework) {
        self.config = Self.bound(config)
        self.framework = framework
    }

    /// Names of the tools that got a placeholder, in spec order.
    public var placeholderTools: [String] {
        func walk(_ agent: AgentConfig) -> [String] {
            agent.tools.filter { $0.run != nil }.map(\.name) + agent.agents.flatMap(walk)
        }
        return walk(config)
    }

    private static func bound(_ config: AgentConfig) -> AgentConfig {
        var config = config
        let passthrough = config.metadata?["_framework_passthrough"]?.boolValue == true
        for i in config.tools.indices where config.tools[i].effectiveType == "worker" && !passthrough {
            config.tools[i].run = ToolBinding(command: ["./tools/\(config.tools[i].name)"], stdin: .json)
        }
        config.agents = config.agents.map(bound)
        return config
    }

    /// The spec as YAML: a header saying where it came from, then the fields in the order the spec format documents
    /// them (other keys sorted), so the output is the same on every run.
    public func yamlText(source: String) throws -> String {
        let json = try JSONValue.from(config)
        var header = "# Imported from the \(framework.rawValue) agent \(source) by `agentspanc import`.\n"
        if !placeholderTools.isEmpty {
            header += "# Each `run:` is a placeholder: point it at the program that implements the tool "
            header += "(it gets the arguments as JSON on stdin).\n"
        }
        return header + (try Yams.serialize(node: Self.node(json), width: -1, allowUnicode: true))
    }

    private static let order = [
        "name", "description", "model", "instructions", "strategy", "maxTurns", "maxTokens", "temperature",
        "outputType", "tools", "agents",
    ]

    private static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .int(let number): return Node(String(number), Tag(.int))
        case .double(let number): return Node(String(number), Tag(.float))
        case .string(let text): return string(text)
        case .array(let items): return Node(items.map(node))
        case .object(let fields):
            let keys = fields.keys.sorted { a, b in
                let (i, j) = (order.firstIndex(of: a) ?? order.count, order.firstIndex(of: b) ?? order.count)
                return i != j ? i < j : a < b
            }
            return Node(keys.map { (string($0), node(fields[$0] ?? .null)) })
        }
    }

    /// A string scalar, quoted where YAML would read it as something else, multi-line text as a literal block.
    private static func string(_ text: String) -> Node {
        if text.contains("\n") { return Node(text, Tag(.str), .literal) }
        let plain = Resolver.default.resolveTag(of: Node(text)) == .str && !text.isEmpty && text.first != " "
            && text.last != " " && !text.contains(": ") && !text.contains(" #") && !"-?:,[]{}#&*!|>'\"%@`".contains(text.first!)
        return Node(text, Tag(.str), plain ? .plain : .doubleQuoted)
    }
}
