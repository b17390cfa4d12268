import Logging

/// Shared, thread-safe helpers the decider uses inside a transaction.
struct EngineServices: Sendable {
    var scripts: ScriptEvaluator
    var logger: Logger
    var cache: StateCache
    /// Rounds one decide may run before it yields to the sweeper.
    var maxDecideRounds: Int
    /// Context window (tokens) assumed for LLM tasks whose input names none.
    var contextWindow: Int = ContextCondenser.defaultContextWindow
}
