import Crypto
import Foundation
import Workflow

/// Content hashes of what one tool may do, part by part, so a mismatch can say what changed:
///
/// - `argv`: the argv template (or plugin path), shell mode and the leading-dash rule; for server-side tools,
///   their `config` (URL, method, headers, server URL: what they reach).
/// - `io`: the stdin, environment, inherited-environment, working-directory and output rules.
/// - `program`: the content of the program file when it lives beside the spec (a relative `command[0]` or
///   `plugin`); programs found on `PATH` or by absolute path are covered by `argv` only.
/// - `inputSchema`: the JSON Schema of the arguments.
/// - `effects`: the effect, idempotence, approval and timeouts (the policy the compiler derives).
///
/// Every hash is `sha256:` and 64 hex digits; ``hash`` covers all parts.
public struct ToolFingerprint: Codable, Sendable, Hashable {
    /// The hash over every part.
    public var hash: String
    /// Part name → hash.
    public var parts: [String: String]

    /// Creates a fingerprint from its parts.
    public init(parts: [String: String]) {
        self.parts = parts
        self.hash = Self.sha256(parts.keys.sorted().map { "\($0)=\(parts[$0]!)\n" }.joined())
    }

    /// What each part is called in messages.
    public static let partNames: [String: String] = [
        "argv": "argv template", "io": "stdin/env/cwd rules", "program": "program file", "inputSchema": "input schema",
        "effects": "effects and approval policy",
    ]

    /// The fingerprint of `tool`; relative program paths resolve against `baseDirectory` (the spec's directory).
    public init(tool: ToolConfig, baseDirectory: String?) {
        var parts: [String: String] = [:]
        let binding = tool.run
        if let binding {
            parts["argv"] = Self.sha256(Self.canonical([
                "command": binding.command.map { JSONValue.array($0.map(JSONValue.string)) } ?? .null,
                "plugin": binding.plugin.map(JSONValue.string) ?? .null,
                "shell": binding.shell.map(JSONValue.bool) ?? .null,
                "allowLeadingDash": binding.allowLeadingDash.map(JSONValue.bool) ?? .null,
            ]))
            parts["io"] = Self.sha256(Self.canonical([
                "stdin": binding.stdin.map { JSONValue.string($0.rawValue) } ?? .null,
                "env": binding.env.map { JSONValue.object($0.mapValues(JSONValue.string)) } ?? .null,
                "inheritEnv": binding.inheritEnv.map { JSONValue.array($0.map(JSONValue.string)) } ?? .null,
                "cwd": binding.cwd.map(JSONValue.string) ?? .null,
                "maxOutputBytes": binding.maxOutputBytes.map(JSONValue.int) ?? .null,
            ]))
            if let program = Self.repoProgram(binding), let baseDirectory {
                let path = URL(fileURLWithPath: program, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true))
                    .standardizedFileURL.path
                parts["program"] = FileManager.default.contents(atPath: path).map(Self.sha256) ?? Self.sha256("missing")
            }
        } else {
            parts["argv"] = Self.sha256(Self.canonical([
                "toolType": .string(tool.effectiveType), "config": tool.config.map(JSONValue.object) ?? .null,
            ]))
        }
        parts["inputSchema"] = Self.sha256(Self.canonical(tool.inputSchema ?? .null))
        let policy = tool.policy
        parts["effects"] = Self.sha256(Self.canonical([
            "effect": policy.effect.map { JSONValue.string($0.rawValue) } ?? .null, "approval": .bool(policy.requiresApproval),
            "retriable": .bool(policy.retriable), "idempotent": .bool(policy.idempotent),
            "timeoutSeconds": binding?.timeoutSeconds.map(JSONValue.double) ?? tool.timeoutSeconds.map(JSONValue.int) ?? .null,
        ]))
        self.init(parts: parts)
    }

    /// The program of `binding` when it is a file beside the spec: a relative path with a `/` (`./tools/x.sh`).
    public static func repoProgram(_ binding: ToolBinding) -> String? {
        guard binding.shell != true, let program = binding.plugin ?? binding.command?.first else { return nil }
        return program.contains("/") && !program.hasPrefix("/") ? program : nil
    }

    /// The parts that differ from `expected`, in words: `argv template`, `program file ./tools/x.sh`, … (sorted).
    public func changes(from expected: ToolFingerprint, program: String? = nil) -> [String] {
        let names = Set(parts.keys).union(expected.parts.keys).sorted()
        return names.filter { parts[$0] != expected.parts[$0] }.map { name in
            let label = Self.partNames[name] ?? name
            return name == "program" ? label + (program.map { " \($0)" } ?? "") : label
        }
    }

    static func canonical(_ value: JSONValue) -> String { value.jsonText() }

    static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }

    static func sha256(_ data: Data) -> String {
        var text = Array("sha256:".utf8)
        text.reserveCapacity(7 + 64)
        for byte in SHA256.hash(data: data) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension AgentConfig {
    /// This config with every tool's ``ToolConfig/lock`` stamped (sub-agents included): what a client sends so
    /// the compiled workflow records what its tools may do. Relative program paths resolve against
    /// `baseDirectory`, the spec file's directory.
    public func locked(baseDirectory: String?) -> AgentConfig {
        var copy = self
        copy.tools = tools.map { tool in
            var t = tool
            t.lock = ToolFingerprint(tool: tool, baseDirectory: baseDirectory)
            return t
        }
        copy.agents = agents.map { $0.locked(baseDirectory: baseDirectory) }
        return copy
    }

    /// The lock of this agent tree: agent name → tool name → fingerprint, for tools whose ``ToolConfig/lock`` is
    /// stamped (external agents are left out: their tools run elsewhere).
    public var toolLock: [String: [String: ToolFingerprint]] {
        var out: [String: [String: ToolFingerprint]] = [:]
        func walk(_ agent: AgentConfig) {
            guard agent.external != true else { return }
            for tool in agent.tools {
                if let lock = tool.lock { out[agent.name, default: [:]][tool.name] = lock }
            }
            for sub in agent.agents { walk(sub) }
        }
        walk(self)
        return out
    }
}

/// The lock file `agentspanc compile` writes beside a compiled workflow (`<workflow>.lock.json`) and `--check`
/// verifies: for each agent and tool, the ``ToolFingerprint`` of what the tool may do.
public struct SpecLock: Codable, Sendable, Hashable {
    /// Format version (1).
    public var version: Int
    /// The workflow (root agent) name.
    public var workflow: String
    /// Agent name → tool name → fingerprint.
    public var agents: [String: [String: ToolFingerprint]]

    /// The lock of a config whose tools are stamped (``AgentConfig/locked(baseDirectory:)``).
    public init(_ config: AgentConfig) {
        version = 1
        workflow = config.name
        agents = config.toolLock
    }

    /// Every tool's fingerprint by tool name (tool names are task names, unique across the tree).
    public var byTool: [String: ToolFingerprint] {
        var out: [String: ToolFingerprint] = [:]
        for tools in agents.values { for (name, lock) in tools { out[name] = lock } }
        return out
    }
}
