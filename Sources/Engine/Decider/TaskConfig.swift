import Foundation
import Workflow

/// The retry and timeout settings in effect for one task configuration: WorkflowTask overrides, then the inline
/// or registered TaskDef, then Conductor's ad-hoc defaults (conductor.md §3.5, §9).
struct TaskConfig {
    var retryCount: Int
    var retryLogic: String
    var retryDelaySeconds: Int
    var backoffScaleFactor: Int
    var maxRetryDelaySeconds: Int
    var responseTimeoutSeconds: Int
    var timeoutSeconds: Int
    var timeoutPolicy: String
    /// The task definition of a worker task sets `retryCount: 0` (a tool that must never run twice): no
    /// workflow task may raise it.
    var retriesDisabledByDefinition = false

    /// Seconds to wait before attempt `retryCount + 1`.
    func delay(afterAttempt retryCount: Int) -> Int {
        let base = max(retryDelaySeconds, 0)
        var delay: Int
        switch retryLogic {
        case "LINEAR_BACKOFF":
            delay = base.saturatingMultiplied(by: max(backoffScaleFactor, 1)).saturatingMultiplied(by: max(retryCount, 0).saturatingAdding(1))
        case "EXPONENTIAL_BACKOFF":
            let factor = (0..<30).contains(retryCount) ? 1 << retryCount : Int(Int32.max)
            delay = base.saturatingMultiplied(by: factor)
        default: delay = base
        }
        if maxRetryDelaySeconds > 0 { delay = min(delay, maxRetryDelaySeconds) }
        return delay
    }
}

extension Session {
    func config(for wt: WorkflowTask) throws -> TaskConfig {
        let kind = TaskKind(wt.type)
        var c: TaskConfig
        switch kind {
        case .worker:
            c = TaskConfig(
                retryCount: 3, retryLogic: "FIXED", retryDelaySeconds: 60, backoffScaleFactor: 1, maxRetryDelaySeconds: 0,
                responseTimeoutSeconds: 3600, timeoutSeconds: 0, timeoutPolicy: "TIME_OUT_WF")
        default:
            c = TaskConfig(
                retryCount: 0, retryLogic: "FIXED", retryDelaySeconds: 60, backoffScaleFactor: 1, maxRetryDelaySeconds: 0,
                responseTimeoutSeconds: 0, timeoutSeconds: 0, timeoutPolicy: "TIME_OUT_WF")
        }
        if let def = try wt.taskDefinition ?? taskDef(named: wt.name) {
            if let v = def.retryCount { c.retryCount = v }
            if let v = def.retryLogic { c.retryLogic = v }
            if let v = def.retryDelaySeconds { c.retryDelaySeconds = v }
            if let v = def.backoffScaleFactor { c.backoffScaleFactor = v }
            if let v = def.maxRetryDelaySeconds { c.maxRetryDelaySeconds = v }
            if let v = def.responseTimeoutSeconds { c.responseTimeoutSeconds = v }
            if let v = def.timeoutSeconds { c.timeoutSeconds = v }
            if let v = def.timeoutPolicy { c.timeoutPolicy = v }
        }
        // Conductor's AI task mapper gives AI and MCP tasks 3 retries, 2 s apart, when their definition has none.
        if kind == .llm || wt.type == "LIST_MCP_TOOLS" || wt.type == "CALL_MCP_TOOL" || MediaGenerationTask.types.contains(wt.type)
            || TaskKind.ragTypes.contains(wt.type), c.retryCount < 1
        {
            c.retryCount = 3
            c.retryLogic = "LINEAR_BACKOFF"
            c.retryDelaySeconds = 2
        }
        // Deviation from Conductor (where the workflow task's retryCount always wins): a worker task whose definition
        // says `retryCount: 0` is never retried. Workers register that for tools marked `idempotent: false`, and a
        // compiled tool call that asks for retries must not start such a call twice after its worker died.
        if kind == .worker, c.retryCount == 0 {
            c.retriesDisabledByDefinition = true
        } else if let v = wt.retryCount {
            c.retryCount = v
        }
        if let v = wt.retryLogic { c.retryLogic = v }
        if let v = wt.retryDelaySeconds { c.retryDelaySeconds = v }
        return c
    }
}

/// How the engine runs a task type.
enum TaskKind: Equatable {
    case simpleSystem(String)
    case doWhile, join, fork, dynamicFork, subWorkflow, human, wait
    /// `http`: run by the engine off the decider (HTTP, MCP, media generation).
    case llm, http
    /// PULL_WORKFLOW_MESSAGES: run by the engine from the execution's message queue.
    case pullMessages
    /// Anything else is a worker task polled by its name.
    case worker

    init(_ type: String) {
        switch type {
        case "INLINE", "SET_VARIABLE", "SWITCH", "DECISION", "TERMINATE", "NOOP": self = .simpleSystem(type)
        case "DO_WHILE": self = .doWhile
        case "JOIN": self = .join
        case "FORK_JOIN": self = .fork
        case "FORK_JOIN_DYNAMIC": self = .dynamicFork
        case "SUB_WORKFLOW": self = .subWorkflow
        case "HUMAN": self = .human
        case "WAIT": self = .wait
        case "PULL_WORKFLOW_MESSAGES": self = .pullMessages
        case "LLM_CHAT_COMPLETE": self = .llm
        case "HTTP", "LIST_MCP_TOOLS", "CALL_MCP_TOOL": self = .http
        case let type where MediaGenerationTask.types.contains(type): self = .http
        case _ where Self.ragTypes.contains(type): self = .http
        default: self = .worker
        }
    }

    /// The embedding and vector store tasks: run by the engine off the decider, like HTTP.
    static let ragTypes: Set<String> = [
        "LLM_INDEX_TEXT", "LLM_SEARCH_INDEX", "LLM_GENERATE_EMBEDDINGS", "LLM_STORE_EMBEDDINGS", "LLM_SEARCH_EMBEDDINGS",
        "LLM_GET_EMBEDDINGS",
    ]
}
