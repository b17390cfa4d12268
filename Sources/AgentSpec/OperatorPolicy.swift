import Foundation
import Workflow

/// An operator's policy file (`--policy FILE` for `agentspanc compile` and `agentspanc worker`): rules that can only
/// narrow what specs allow.
///
/// ```yaml
/// forbidPrograms: [/bin/sh, curl]        # a tool may not run these (as written, or by file name)
/// forbidHosts: [internal.example.com]    # no tool or model endpoint may reach these hosts (or their subdomains)
/// requireApproval:
///   tools: [deploy, drop_table]          # these tools always wait for a person
///   effects: [write, destructive]        # and so does every tool declaring one of these effects
/// maxTimeoutSeconds: 60                  # no tool call runs longer (lower timeouts stay)
/// ```
public struct OperatorPolicy: Codable, Sendable, Hashable {
    /// Which tools must be approved.
    public struct Approval: Codable, Sendable, Hashable {
        /// Tool names.
        public var tools: [String]?
        /// Effects whose tools need approval.
        public var effects: [ToolEffect]?

        /// Creates the rule.
        public init(tools: [String]? = nil, effects: [ToolEffect]? = nil) {
            self.tools = tools
            self.effects = effects
        }
    }

    /// Programs no tool may run: a full path or argv[0] as written, or a file name matching any path.
    public var forbidPrograms: [String]?
    /// Hosts no tool or model endpoint may reach (subdomains included).
    public var forbidHosts: [String]?
    /// Tools that always wait for approval.
    public var requireApproval: Approval?
    /// Upper bound of every tool's timeout in seconds.
    public var maxTimeoutSeconds: Double?

    /// Creates a policy.
    public init(
        forbidPrograms: [String]? = nil, forbidHosts: [String]? = nil, requireApproval: Approval? = nil,
        maxTimeoutSeconds: Double? = nil
    ) {
        self.forbidPrograms = forbidPrograms
        self.forbidHosts = forbidHosts
        self.requireApproval = requireApproval
        self.maxTimeoutSeconds = maxTimeoutSeconds
    }

    /// A policy file problem, or a spec the policy forbids.
    public struct Violation: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong (naming the tool or key).
        public var message: String
        /// Creates a violation.
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    static let keys: Set<String> = ["forbidPrograms", "forbidHosts", "requireApproval", "maxTimeoutSeconds"]

    /// Reads a policy file (YAML or JSON); unknown keys and wrong types are errors naming the file and key.
    public static func load(path: String) throws(Violation) -> OperatorPolicy {
        guard let data = FileManager.default.contents(atPath: path) else { throw Violation("\(path): cannot read the policy file") }
        let json: JSONValue
        do {
            json = try SpecLoader.plainJSON(source: String(decoding: data, as: UTF8.self), path: path)
        } catch {
            throw Violation(error.description)
        }
        guard let object = json.objectValue else { throw Violation("\(path): a policy file is a mapping of rules") }
        for key in object.keys.sorted() where !keys.contains(key) {
            throw Violation("\(path): unknown key '\(key)' in policy\(Suggestion.hint(for: key, in: keys.sorted()))")
        }
        for key in (object["requireApproval"]?.objectValue ?? [:]).keys.sorted() where !["tools", "effects"].contains(key) {
            throw Violation("\(path): unknown key '\(key)' in requireApproval; expected tools or effects")
        }
        do {
            let policy = try json.decode(OperatorPolicy.self)
            if let cap = policy.maxTimeoutSeconds, !(cap > 0) { throw Violation("\(path): maxTimeoutSeconds must be positive") }
            return policy
        } catch let violation as Violation {
            throw violation
        } catch {
            throw Violation("\(path): \(SpecLoader.describe(error))")
        }
    }

    /// `config` narrowed by this policy: approval forced and timeouts capped where it says. Throws when the
    /// config uses a program or host the policy forbids (every such use, one per line).
    public func apply(to config: AgentConfig) throws(Violation) -> AgentConfig {
        var problems: [String] = []
        let narrowed = narrow(config, problems: &problems)
        if !problems.isEmpty { throw Violation(problems.joined(separator: "\n")) }
        return narrowed
    }

    private func narrow(_ config: AgentConfig, problems: inout [String]) -> AgentConfig {
        var copy = config
        if let url = config.baseUrl, let host = forbiddenHost(url) {
            problems.append("agent '\(config.name)': the policy forbids host \(host) (model endpoint \(url))")
        }
        copy.tools = config.tools.map { tool in
            var t = tool
            for program in programs(of: tool) where isForbidden(program: program) {
                problems.append("tool '\(tool.name)' of agent '\(config.name)': the policy forbids program \(program)")
            }
            for key in ["url", "server_url", "base_url", "spec_url"] {
                if let url = tool.config?[key]?.stringValue, let host = forbiddenHost(url) {
                    problems.append("tool '\(tool.name)' of agent '\(config.name)': the policy forbids host \(host) (\(url))")
                }
            }
            let approval = requireApproval
            if approval?.tools?.contains(tool.name) == true || tool.effects.map({ approval?.effects?.contains($0) == true }) == true {
                t.approvalRequired = true
            }
            if let cap = maxTimeoutSeconds {
                if t.run != nil { t.run!.timeoutSeconds = min(t.run!.timeoutSeconds ?? Double(t.timeoutSeconds ?? Int.max), cap) }
                t.timeoutSeconds = min(t.timeoutSeconds ?? Int.max, Int(cap.rounded(.down)).clamped(toAtLeast: 1))
            }
            return t
        }
        copy.agents = config.agents.map { narrow($0, problems: &problems) }
        return copy
    }

    /// The programs a tool starts: argv[0] (and `/bin/sh` in shell mode) or its plugin.
    private func programs(of tool: ToolConfig) -> [String] {
        guard let run = tool.run else { return [] }
        var out: [String] = []
        if let program = run.command?.first { out.append(program) }
        if run.shell == true { out.append("/bin/sh") }
        if let plugin = run.plugin { out.append(plugin) }
        return out
    }

    private func isForbidden(program: String) -> Bool {
        let name = program.split(separator: "/").last.map(String.init) ?? program
        return (forbidPrograms ?? []).contains { rule in
            rule == program || (!rule.contains("/") && rule == name)
        }
    }

    private func forbiddenHost(_ url: String) -> String? {
        let host = AgentPlan.host(of: url).split(separator: ":").first.map(String.init)?.lowercased() ?? ""
        return (forbidHosts ?? []).first { rule in
            let rule = rule.lowercased()
            return host == rule || host.hasSuffix("." + rule)
        }
    }
}

extension Int {
    fileprivate func clamped(toAtLeast minimum: Int) -> Int { Swift.max(self, minimum) }
}
