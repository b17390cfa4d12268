import Workflow

/// A `<A>_transfer_to_<B>` tool of a hybrid agent or a swarm member. The call itself does nothing (the
/// `check_transfer` worker and the strategy move the conversation); it answers `{}`, or, when
/// `allowedTransitions` forbids the move, an error text the LLM reads (`{result: "ERROR: …"}`).
public struct TransferTool: Sendable, Hashable {
    /// The agent the tool belongs to.
    public var source: String
    /// The agent it transfers to.
    public var target: String
    /// False when `allowedTransitions` of the parent does not let `source` reach `target`.
    public var isAllowed: Bool

    /// Creates the tool moving the conversation from `source` to `target`.
    public init(source: String, target: String, isAllowed: Bool = true) {
        self.source = source
        self.target = target
        self.isAllowed = isAllowed
    }

    /// The answer for one call.
    public func evaluate(_ input: [String: JSONValue]) -> [String: JSONValue] {
        guard isAllowed else {
            return ["result": .string("ERROR: \(target) is not available. \(source) may not transfer the conversation to \(target).")]
        }
        return [:]
    }

    /// The task executor for `name`.
    public func executor(name: String) -> SystemWorker {
        SystemWorker(name: name, description: "Transfer the conversation to \(target).") { invocation in
            .completed(evaluate(invocation.input))
        }
    }
}
