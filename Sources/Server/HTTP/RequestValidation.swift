import Engine
import Foundation
import Hummingbird
import Workflow

/// Range and vocabulary checks of what clients send, done before anything reaches the engine: each refusal is a
/// 400 whose message starts with the JSON path of the field (`tasks[2].retryCount: …`).
enum RequestValidation {
    /// Ten years: the longest timeout, delay or wait a definition may ask for.
    static let maxSeconds = 315_360_000
    /// The most retries a task may ask for.
    static let maxRetries = 10_000

    /// Task types this server runs or hands to workers. Conductor treats any other type as a user-defined task,
    /// which needs a task definition of that name; a typo would otherwise wait for a worker that never comes.
    static let knownTaskTypes: Set<String> = [
        "SIMPLE", "INLINE", "SET_VARIABLE", "SWITCH", "DECISION", "TERMINATE", "NOOP", "DO_WHILE", "JOIN", "FORK_JOIN",
        "FORK_JOIN_DYNAMIC", "SUB_WORKFLOW", "HUMAN", "WAIT", "HTTP", "LLM_CHAT_COMPLETE", "LIST_MCP_TOOLS",
        "CALL_MCP_TOOL", "PULL_WORKFLOW_MESSAGES", "LLM_TEXT_COMPLETE", "LLM_GENERATE_EMBEDDINGS", "LLM_INDEX_TEXT",
        "LLM_STORE_EMBEDDINGS", "LLM_SEARCH_INDEX", "LLM_SEARCH_EMBEDDINGS", "LLM_GET_EMBEDDINGS", "GENERATE_IMAGE",
        "GENERATE_AUDIO", "GENERATE_VIDEO", "GENERATE_PDF", "JSON_JQ_TRANSFORM", "EVENT", "LAMBDA", "DYNAMIC",
        "EXCLUSIVE_JOIN", "START_WORKFLOW", "KAFKA_PUBLISH",
    ]

    /// `value` lies in `range`, or a 400 naming `path`.
    static func check(_ value: Int?, in range: ClosedRange<Int>, at path: String) throws {
        guard let value, !range.contains(value) else { return }
        throw APIError.badRequest("\(path): \(value) is out of range; expected \(range.lowerBound)…\(range.upperBound)")
    }

    /// A task definition's numbers; `path` is where it sits in the body ("" at the root).
    static func validate(_ def: TaskDef, at path: String) throws {
        let at = { (field: String) in path.isEmpty ? field : "\(path).\(field)" }
        if def.name.isEmpty { throw APIError.badRequest("\(at("name")): a task definition needs a name") }
        try check(def.retryCount, in: 0...maxRetries, at: at("retryCount"))
        for (field, value) in [
            ("retryDelaySeconds", def.retryDelaySeconds), ("maxRetryDelaySeconds", def.maxRetryDelaySeconds),
            ("timeoutSeconds", def.timeoutSeconds), ("responseTimeoutSeconds", def.responseTimeoutSeconds),
            ("pollTimeoutSeconds", def.pollTimeoutSeconds), ("rateLimitFrequencyInSeconds", def.rateLimitFrequencyInSeconds),
        ] {
            try check(value, in: 0...maxSeconds, at: at(field))
        }
        try check(def.backoffScaleFactor, in: 0...maxRetries, at: at("backoffScaleFactor"))
        try check(def.concurrentExecLimit, in: 0...Int(Int32.max), at: at("concurrentExecLimit"))
        try check(def.rateLimitPerFrequency, in: 0...Int(Int32.max), at: at("rateLimitPerFrequency"))
    }

    /// A workflow definition: its timeout and, through every nested list, each task's type and numbers.
    /// `isTaskDef` says whether a user-defined type names a registered task definition.
    static func validate(_ def: WorkflowDef, at path: String, isTaskDef: (String) async throws -> Bool) async throws {
        let at = { (field: String) in path.isEmpty ? field : "\(path).\(field)" }
        try check(def.timeoutSeconds, in: 0...maxSeconds, at: at("timeoutSeconds"))
        try check(def.version, in: 0...Int(Int32.max), at: at("version"))
        func walk(_ tasks: [WorkflowTask], _ prefix: String) async throws {
            for (i, task) in tasks.enumerated() {
                let here = "\(prefix)[\(i)]"
                if !knownTaskTypes.contains(task.type), !(try await isTaskDef(task.type)) {
                    throw APIError.badRequest(
                        "\(here).type: unknown task type '\(task.type)'; use SIMPLE for a worker task, a system task type, or register a task definition named '\(task.type)' first")
                }
                try check(task.retryCount, in: 0...maxRetries, at: "\(here).retryCount")
                try check(task.retryDelaySeconds, in: 0...maxSeconds, at: "\(here).retryDelaySeconds")
                try check(task.startDelay, in: 0...maxSeconds, at: "\(here).startDelay")
                if let inline = task.taskDefinition { try validate(inline, at: "\(here).taskDefinition") }
                if task.type == "WAIT" { try validateWait(task.inputParameters, at: "\(here).inputParameters") }
                try await walk(task.loopOver ?? [], "\(here).loopOver")
                try await walk(task.defaultCase ?? [], "\(here).defaultCase")
                for key in (task.decisionCases ?? [:]).keys.sorted() {
                    try await walk(task.decisionCases?[key] ?? [], "\(here).decisionCases.\(key)")
                }
                for (b, branch) in (task.forkTasks ?? []).enumerated() { try await walk(branch, "\(here).forkTasks[\(b)]") }
            }
        }
        try await walk(def.tasks, at("tasks"))
    }

    /// A WAIT's literal `duration` in seconds (`"30"`, or a number) must not be negative or beyond ten years;
    /// expressions (`${…}`) and unit forms (`"1h 30m"`) are left to the engine.
    static func validateWait(_ input: [String: JSONValue], at path: String) throws {
        let value = input["duration"]
        let seconds = value?.intValue ?? value?.stringValue.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        try check(seconds, in: 0...maxSeconds, at: "\(path).duration")
    }

    /// A worker's result.
    static func validate(_ result: TaskResult) throws {
        if result.taskId.isEmpty { throw APIError.badRequest("taskId must not be empty") }
        if result.workflowInstanceId.isEmpty { throw APIError.badRequest("workflowInstanceId must not be empty") }
        try check(result.callbackAfterSeconds, in: 0...maxSeconds, at: "callbackAfterSeconds")
    }

    /// An optional integer query parameter; 400 when present and not an integer in `range`.
    static func integer(_ request: Request, _ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = request.query(name), !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw APIError.badRequest("query parameter \(name): '\(text)' is not an integer") }
        guard range.contains(value) else {
            throw APIError.badRequest("query parameter \(name): \(value) is out of range; expected \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// An optional `status` query parameter naming a workflow status.
    static func workflowStatus(_ request: Request) throws -> WorkflowStatus? {
        guard let text = request.query("status"), !text.isEmpty else { return nil }
        guard let status = WorkflowStatus(rawValue: text.uppercased()) else {
            let names = WorkflowStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("query parameter status: '\(text)' is not a workflow status; use one of \(names)")
        }
        return status
    }
}
