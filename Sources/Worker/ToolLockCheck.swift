import AgentSpec
import ConductorClient
import Workflow

/// A tool whose spec differs from what the server's workflow was compiled from: its fingerprint does not match
/// the workflow's `metadata.toolLock`.
public struct LockDrift: Sendable, Hashable, CustomStringConvertible {
    /// The tool (task name).
    public var tool: String
    /// The workflow whose lock it fails.
    public var workflow: String
    /// What differs, in words (`argv template`, `program file ./tools/x.sh`, …).
    public var changes: [String]

    /// Creates a drift report.
    public init(tool: String, workflow: String, changes: [String]) {
        self.tool = tool
        self.workflow = workflow
        self.changes = changes
    }

    public var description: String {
        "tool '\(tool)' differs from what workflow '\(workflow)' on the server was compiled with: "
            + changes.map { "\($0) changed" }.joined(separator: ", ")
    }
}

/// Compares the tools a worker is about to serve with the tool lock of the workflows deployed on the server.
public enum ToolLockCheck {
    /// What a check found.
    public struct Outcome: Sendable, Hashable {
        /// Tools that differ from the deployed workflow's lock.
        public var drifts: [LockDrift] = []
        /// Workflows not deployed (yet) or deployed without a lock: nothing to compare their tools with.
        public var unverified: [String] = []
        /// Tools whose fingerprint matched a deployed lock.
        public var verified: [String] = []
    }

    /// Fetches each of `workflows` from the server and compares `tools` with their `metadata.toolLock`.
    public static func check(
        _ tools: [WorkerToolDefinition], workflows: [String], client: ConductorClient
    ) async throws -> Outcome {
        var expected: [String: (workflow: String, lock: ToolFingerprint)] = [:]
        var outcome = Outcome()
        for workflow in workflows {
            guard let def = try await client.workflowDef(name: workflow), let locks = lock(of: def) else {
                outcome.unverified.append(workflow)
                continue
            }
            for (tool, lock) in locks where expected[tool] == nil { expected[tool] = (workflow, lock) }
        }
        let compared = compare(tools, expected: expected)
        outcome.drifts = compared.drifts
        outcome.verified = compared.verified
        return outcome
    }

    /// The `metadata.toolLock` of a compiled workflow (tool name → fingerprint), nil when it has none.
    public static func lock(of def: WorkflowDef) -> [String: ToolFingerprint]? {
        guard let value = def.metadata?["toolLock"], value != .null else { return nil }
        return try? value.decode([String: ToolFingerprint].self)
    }

    /// Compares `tools` with the expected fingerprints by tool name; tools without an expectation are skipped.
    public static func compare(
        _ tools: [WorkerToolDefinition], expected: [String: (workflow: String, lock: ToolFingerprint)]
    ) -> (drifts: [LockDrift], verified: [String]) {
        var drifts: [LockDrift] = []
        var verified: [String] = []
        for tool in tools.sorted(by: { $0.name < $1.name }) {
            guard let entry = expected[tool.name], let have = tool.lock else { continue }
            let (workflow, want) = entry
            if have.hash == want.hash {
                verified.append(tool.name)
                continue
            }
            var changes = have.changes(from: want, program: ToolFingerprint.repoProgram(tool.binding))
            if changes.isEmpty { changes = ["fingerprint"] }
            drifts.append(LockDrift(tool: tool.name, workflow: workflow, changes: changes))
        }
        return (drifts, verified)
    }
}
