import Foundation
import Workflow

/// A readable outline of a spec for reviewers: the agents and how they cooperate, every tool, and exactly
/// which commands and hosts each tool may reach (`agentspanc plan`).
public struct AgentPlan: Sendable {
    /// The outline, one item per line.
    public var lines: [String] = []
    /// Every command (argv[0] as written) a tool may run.
    public var commands: [String] = []
    /// Every host a tool or model endpoint may reach (`host[:port]`).
    public var hosts: [String] = []
    /// Every plugin executable.
    public var plugins: [String] = []
    /// Every LLM `provider/model` used.
    public var models: [String] = []
    /// Each tool's own lines (its heading, policy, what it runs or reaches), by tool name, for ``diff(from:to:)``.
    public var toolLines: [String: [String]] = [:]

    /// What workers registered for tools whose config carries no `run:` (a config as a server holds it).
    let registeredBindings: [String: ToolBinding]

    /// Builds the plan of `config`. `registeredBindings` (tool name → binding) stands in for the `run:` of tools
    /// that have none in `config`: what the worker serving the tool registered with the server.
    public init(_ config: AgentConfig, registeredBindings: [String: ToolBinding] = [:]) {
        self.registeredBindings = registeredBindings
        add(config, depth: 0, role: nil)
    }

    /// The outline followed by the reach summary.
    public var rendered: String {
        var text = lines
        text.append("")
        text.append("reach:")
        text.append("  models:   " + (models.isEmpty ? "none" : models.joined(separator: ", ")))
        text.append("  commands: " + (commands.isEmpty ? "none" : commands.joined(separator: ", ")))
        text.append("  plugins:  " + (plugins.isEmpty ? "none" : plugins.joined(separator: ", ")))
        text.append("  hosts:    " + (hosts.isEmpty ? "none" : hosts.joined(separator: ", ")))
        return text.joined(separator: "\n") + "\n"
    }

    private mutating func note(_ value: String, in list: WritableKeyPath<AgentPlan, [String]>) {
        if !self[keyPath: list].contains(value) { self[keyPath: list].append(value) }
    }

    /// `host[:port]` of a URL, or the text itself when it has no scheme.
    static func host(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        return String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
    }

    private mutating func add(_ config: AgentConfig, depth: Int, role: String?) {
        let pad = String(repeating: "  ", count: depth)
        var facts: [String] = []
        let kind: String
        if config.metadata?["_framework_passthrough"]?.boolValue == true {
            kind = "passthrough"
        } else if config.external == true {
            kind = "external workflow"
        } else if !config.agents.isEmpty && !config.tools.isEmpty {
            kind = "hybrid (tools + transfers)"
        } else if !config.agents.isEmpty {
            kind = "strategy \(config.strategy ?? "handoff")"
        } else if !config.tools.isEmpty {
            kind = "tool agent"
        } else {
            kind = "simple agent"
        }
        facts.append(kind)
        if let model = config.model {
            facts.append(model)
            note(model, in: \.models)
        }
        if let turns = config.maxTurns { facts.append("maxTurns \(turns)") }
        if let timeout = config.timeoutSeconds, timeout > 0 { facts.append("timeout \(timeout)s") }
        lines.append(pad + (role ?? "agent") + " \(config.name) (\(facts.joined(separator: ", ")))")
        if let baseUrl = config.baseUrl {
            lines.append(pad + "  model endpoint: \(baseUrl)")
            note(Self.host(of: baseUrl), in: \.hosts)
        }
        for tool in config.tools { addTool(tool, pad: pad + "  ") }
        for guardrail in config.guardrails ?? [] {
            var detail = "\(guardrail.guardrailType ?? "untyped"), \(guardrail.position ?? "output"), on fail \(guardrail.onFail ?? "retry")"
            if let model = guardrail.model {
                detail += ", judge \(model)"
                note(model, in: \.models)
            }
            if let task = guardrail.taskName { detail += ", worker \(task)" }
            lines.append(pad + "  guardrail \(guardrail.name) (\(detail))")
        }
        if let budget = config.budget {
            var limits: [String] = []
            if let tokens = budget.maxTokens { limits.append("\(tokens) tokens") }
            if let cost = budget.maxCostUSD { limits.append("$\(cost.formatted)") }
            if let calls = budget.maxToolCalls { limits.append("\(calls) tool calls") }
            if let seconds = budget.maxWallSeconds { limits.append("\(seconds.formatted)s") }
            lines.append(pad + "  budget: " + limits.joined(separator: ", "))
        }
        if let termination = config.termination { lines.append(pad + "  stops on termination condition '\(termination.type)'") }
        if let stopWhen = config.stopWhen { lines.append(pad + "  stop_when worker \(stopWhen.taskName)") }
        for callback in config.callbacks ?? [] { lines.append(pad + "  callback \(callback.position) → worker \(callback.taskName)") }
        if let gate = config.gate {
            lines.append(pad + "  gate: " + (gate.taskName.map { "worker \($0)" } ?? "stop when output contains '\(gate.text ?? "")'"))
        }
        switch config.router {
        case .worker(let ref)?: lines.append(pad + "  router: worker \(ref.taskName)")
        case .agent(let router)?: add(router, depth: depth + 1, role: "router")
        case nil: break
        }
        if let transitions = config.allowedTransitions {
            for source in transitions.keys.sorted() {
                lines.append(pad + "  \(source) may hand over to: \(transitions[source]!.joined(separator: ", "))")
            }
        }
        for sub in config.agents { add(sub, depth: depth + 1, role: "sub-agent") }
    }

    private mutating func addTool(_ tool: ToolConfig, pad: String) {
        var flags: [String] = [tool.effectiveType]
        if tool.policy.requiresApproval { flags.append("approval required") }
        if !(tool.guardrails ?? []).isEmpty { flags.append("\(tool.guardrails!.count) guardrail(s)") }
        let start = lines.count
        defer { toolLines[tool.name] = lines[start...].map { $0.trimmingCharacters(in: .whitespaces) } }
        lines.append(pad + "tool \(tool.name) (\(flags.joined(separator: ", ")))")
        lines.append(pad + "  policy: " + tool.policy.summary)
        let config = JSONValue.object(tool.config ?? [:])
        switch tool.effectiveType {
        case "http":
            let url = config["url"].stringValue ?? "?"
            lines.append(pad + "  reaches \(config["method"].stringValue ?? "GET") \(url)")
            note(Self.host(of: url), in: \.hosts)
        case "mcp":
            let url = config["server_url"].stringValue ?? "?"
            lines.append(pad + "  reaches MCP server \(url) (tools discovered at run time)")
            note(Self.host(of: url), in: \.hosts)
        case "api":
            let url = config["url"].stringValue ?? config["spec_url"].stringValue ?? "?"
            lines.append(pad + "  reaches the API described by \(url) (operations discovered at run time; hosts from the spec)")
            note(Self.host(of: url), in: \.hosts)
        case "agent_tool":
            lines.append(pad + "  runs workflow \(config["workflowName"].stringValue ?? config["agentConfig"]["name"].stringValue ?? "\(tool.name)_agent_wf")")
        case "human":
            lines.append(pad + "  waits for a person's answer")
        case "worker", "cli":
            addBinding(tool, pad: pad + "  ")
        default:
            lines.append(pad + "  runs as the Conductor system task \(config["taskType"].stringValue ?? tool.effectiveType.uppercased())")
        }
    }

    private mutating func addBinding(_ tool: ToolConfig, pad: String) {
        guard var run = tool.run ?? registeredBindings[tool.name] else {
            lines.append(pad + "no run: binding (served by a worker registered elsewhere)")
            return
        }
        if tool.run == nil { lines.append(pad + "as its agentspanc worker registered it:") }
        if !tool.policy.retriable { run.idempotent = false }
        if let command = run.command {
            if run.shell == true { note("/bin/sh", in: \.commands) }
            if let program = command.first { note(program, in: \.commands) }
        }
        if let plugin = run.plugin { note(plugin, in: \.plugins) }
        let allowed = tool.config?["allowedCommands"]?.arrayValue?.compactMap(\.stringValue) ?? []
        lines += Self.bindingLines(run, allowedCommands: allowed).map { pad + $0 }
    }

    /// What a `run:` binding runs: the argv template (or plugin), working directory, timeout, stdin mode, retry
    /// policy and environment.
    static func bindingLines(_ run: ToolBinding, allowedCommands: [String]) -> [String] {
        var lines: [String] = []
        if let command = run.command {
            let shown = command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
            lines.append((run.shell == true ? "runs through /bin/sh -c: " : "runs: ") + shown)
        }
        if let plugin = run.plugin { lines.append("runs in plugin \(plugin)") }
        var details: [String] = []
        if let cwd = run.cwd { details.append("cwd \(cwd)") }
        if let timeout = run.timeoutSeconds { details.append("timeout \(timeout.formatted)s") }
        if run.stdin == .json { details.append("arguments as JSON on stdin") }
        details.append(run.idempotent == false ? "never retried" : "retried on failure")
        lines.append(details.joined(separator: ", "))
        for (name, value) in (run.env ?? [:]).sorted(by: { $0.key < $1.key }) { lines.append("env \(name)=\(value)") }
        if let inherited = run.inheritEnv, !inherited.isEmpty { lines.append("inherits env \(inherited.joined(separator: ", "))") }
        if !allowedCommands.isEmpty { lines.append("allowed commands: \(allowedCommands.joined(separator: ", "))") }
        return lines
    }
}

extension Double {
    /// `10` for whole numbers, `2.5` otherwise.
    fileprivate var formatted: String { rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
