import AgentSpec
import Foundation
import Synchronization
import Workflow

/// The swarm's `R(X)_handoff_check` worker: which member speaks next, and whether the loop goes on.
///
/// Input `{result, active_agent, conversation, is_transfer, transfer_to}` (members are indexed as strings: the
/// parent `"0"`, sub-agent i `"i+1"`); output `{active_agent, handoff}`.
/// 1. A transfer (`is_transfer`) to another member that `allowedTransitions` permits moves there. A forbidden
///    transfer keeps the same member for up to ``maxBlockedRetries`` more turns (`handoff: true`, so it can
///    choose again), then ends the loop.
/// 2. Otherwise the first `on_text_mention` handoff whose text occurs in `result` (case-insensitively) and whose
///    target is another, reachable member moves there.
/// 3. Otherwise the active member stays and the loop ends (`handoff: false`).
///
/// `on_tool_result` and `on_condition` handoffs need facts the task input does not carry (the tool's result, a
/// user function); they never fire here.
public struct HandoffCheck: Sendable, Hashable {
    /// Member names by index: the swarm parent first, then its sub-agents.
    public var members: [String]
    /// The swarm parent's `handoffs`.
    public var handoffs: [HandoffConfig]
    /// Member name → the names it may hand over to; a member without an entry is unconstrained.
    public var allowedTransitions: [String: [String]]
    /// How many forbidden transfers in a row one execution gets before the loop ends.
    public static let maxBlockedRetries = 3

    /// Creates the check for a swarm.
    public init(members: [String], handoffs: [HandoffConfig] = [], allowedTransitions: [String: [String]] = [:]) {
        self.members = members
        self.handoffs = handoffs
        self.allowedTransitions = allowedTransitions
    }

    /// Creates the check for the swarm `config` (parent plus sub-agents).
    public init(swarm config: AgentConfig) {
        self.init(
            members: [config.name] + config.agents.map(\.name), handoffs: config.handoffs ?? [],
            allowedTransitions: config.allowedTransitions ?? [:])
    }

    /// Whether `source` may hand over to `target`.
    public func allows(_ source: String, _ target: String) -> Bool {
        guard let allowed = allowedTransitions[source] else { return true }
        return allowed.contains(target)
    }

    /// The verdict for one task input; `blockedSoFar` counts this execution's forbidden transfers in a row.
    /// Returns the output and whether this call was a forbidden transfer.
    public func evaluate(_ input: [String: JSONValue], blockedSoFar: Int = 0) -> (output: [String: JSONValue], blocked: Bool) {
        let current = SystemInput.int(input["active_agent"]).flatMap { members.indices.contains($0) ? $0 : nil } ?? 0
        func stay(handoff: Bool) -> [String: JSONValue] { ["active_agent": .string(String(current)), "handoff": .bool(handoff)] }
        func move(to index: Int) -> [String: JSONValue] { ["active_agent": .string(String(index)), "handoff": true] }

        if SystemInput.bool(input["is_transfer"]) {
            let target = SystemInput.text(input["transfer_to"])
            if let index = index(of: target), index != current {
                if allows(members[current], members[index]) { return (move(to: index), false) }
                return (stay(handoff: blockedSoFar < Self.maxBlockedRetries), true)
            }
        }
        let result = SystemInput.text(input["result"])
        for handoff in handoffs where handoff.type == "on_text_mention" {
            guard let text = handoff.text, !text.isEmpty, result.range(of: text, options: .caseInsensitive) != nil,
                let index = index(of: handoff.target), index != current, allows(members[current], members[index])
            else { continue }
            return (move(to: index), false)
        }
        return (stay(handoff: false), false)
    }

    /// The member index for a name: exact, else the member whose sanitised name matches (transfer tools of
    /// hybrid agents carry sanitised names).
    func index(of name: String) -> Int? {
        members.firstIndex(of: name) ?? members.firstIndex { SystemWorkerNames.sanitize($0) == SystemWorkerNames.sanitize(name) }
    }

    /// The task executor for `name`; it counts forbidden transfers per execution.
    public func executor(name: String) -> SystemWorker {
        let blocked = BlockedTransfers()
        return SystemWorker(name: name, description: "Chooses the next swarm member") { invocation in
            let key = invocation.executionID
            let soFar = blocked.counts.withLock { $0[key] ?? 0 }
            let (output, wasBlocked) = evaluate(invocation.input, blockedSoFar: soFar)
            blocked.counts.withLock { $0[key] = wasBlocked ? soFar + 1 : nil }
            return .completed(output)
        }
    }
}

/// Forbidden transfers in a row, per execution id (in memory: a restarted worker grants a fresh budget).
private final class BlockedTransfers: Sendable {
    let counts = Mutex<[String: Int]>([:])
}
