/// What a tool call may do to the world, declared with `effects:` on a tool. The compiler turns it into policy:
///
/// | effect        | approval                                   | automatic retries                     | parallel branches |
/// |---------------|--------------------------------------------|---------------------------------------|-------------------|
/// | `read`        | as `approvalRequired` says                 | yes (idempotent unless said otherwise) | allowed          |
/// | `write`       | as `approvalRequired` says                 | only with `idempotent: true`          | allowed           |
/// | `destructive` | required unless `approvalRequired: false`  | never                                 | compile error     |
public enum ToolEffect: String, Codable, Sendable, Hashable, CaseIterable {
    /// Looks, never changes anything.
    case read
    /// Changes something that can be changed back.
    case write
    /// Changes something that cannot be taken back (deletes, payments, deploys).
    case destructive
}

/// The policy the compiler and the worker apply to one tool, from its `effects`, `idempotent`,
/// `approvalRequired` and `run.idempotent`.
public struct ToolPolicy: Sendable, Hashable {
    /// The declared effect (nil: undeclared, the behaviour before effects existed).
    public var effect: ToolEffect?
    /// A person approves each call before it runs.
    public var requiresApproval: Bool
    /// A failed call may be retried automatically.
    public var retriable: Bool
    /// Whether running a call twice does no more than running it once.
    public var idempotent: Bool

    /// One line for `agentspanc plan`: `destructive · approval required · never retried`.
    public var summary: String {
        var parts: [String] = [effect?.rawValue ?? "effects undeclared"]
        if requiresApproval { parts.append("approval required") }
        parts.append(retriable ? "retried on failure" : "never retried")
        return parts.joined(separator: " · ")
    }
}

extension ToolConfig {
    /// The policy of this tool: `destructive` needs approval unless `approvalRequired: false` says otherwise and
    /// is never retried; `write` is retried only when `idempotent: true`; `read` (and an undeclared effect) keeps
    /// retries unless `idempotent: false` (here or on `run:`) says the call has side effects.
    public var policy: ToolPolicy {
        let declared = idempotent ?? run?.idempotent
        let isIdempotent: Bool
        switch effects {
        case .read?, nil: isIdempotent = declared ?? true
        case .write?: isIdempotent = declared ?? false
        case .destructive?: isIdempotent = declared ?? false
        }
        let approval = approvalRequired ?? (effects == .destructive)
        return ToolPolicy(
            effect: effects, requiresApproval: approval, retriable: effects != .destructive && isIdempotent,
            idempotent: isIdempotent)
    }
}
