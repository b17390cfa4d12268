import Logging

/// Shared, thread-safe helpers the decider uses inside a transaction.
struct EngineServices: Sendable {
    var scripts: ScriptEvaluator
    var logger: Logger
    var cache: StateCache
    /// The definitions of executions, stored once each.
    var definitions = DefinitionStore()
    /// Rounds one decide may run before it yields to the sweeper.
    var maxDecideRounds: Int
    /// Context window (tokens) assumed for LLM tasks whose input names none.
    var contextWindow: Int = ContextCondenser.defaultContextWindow
    var limits: EngineLimits
}

/// The bounds the decider enforces (``WorkflowEngine/Configuration``).
struct EngineLimits: Sendable {
    var inlineScriptBudget: Double
    var conditionTimeLimit: Double
    var maxLoopIterations: Int
    var maxForkBranches: Int
    var maxSubWorkflowDepth: Int
    var maxTaskPayloadBytes: Int

    init(_ c: WorkflowEngine.Configuration) {
        inlineScriptBudget = c.inlineScriptBudget
        conditionTimeLimit = c.conditionTimeLimit
        maxLoopIterations = c.maxLoopIterations
        maxForkBranches = c.maxForkBranches
        maxSubWorkflowDepth = c.maxSubWorkflowDepth
        maxTaskPayloadBytes = c.maxTaskPayloadBytes
    }
}
