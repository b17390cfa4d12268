import Foundation
import Logging
import Synchronization
import Testing
import Workflow

@testable import Engine

/// An in-test LLM provider that answers from a script of responses and records every request.
final class ScriptedLLM: LLMProvider {
    private let state: Mutex<(responses: [Result<ChatResponse, LLMError>], requests: [ChatRequest])>

    init(_ responses: [Result<ChatResponse, LLMError>]) {
        state = Mutex((responses, []))
    }

    convenience init(responses: [ChatResponse]) {
        self.init(responses.map { .success($0) })
    }

    var requests: [ChatRequest] { state.withLock { $0.requests } }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let next = state.withLock { s -> Result<ChatResponse, LLMError>? in
            s.requests.append(request)
            return s.responses.isEmpty ? nil : s.responses.removeFirst()
        }
        guard let next else { throw LLMError(message: "script exhausted") }
        return try next.get()
    }
}

/// A fresh database file under the temporary directory.
func temporaryDatabasePath() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("engine-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("engine.sqlite").path
}

func makeEngine(
    path: String? = temporaryDatabasePath(), llm: any LLMProvider = ScriptedLLM(responses: []),
    sweep: Duration = .milliseconds(50), maxDecideRounds: Int = 1_000, contextWindow: Int? = nil,
    secrets: [String: Secret] = [:], configure: (inout WorkflowEngine.Configuration) -> Void = { _ in }
) async throws -> WorkflowEngine {
    var logger = Logger(label: "engine-tests")
    logger.logLevel = .warning
    var configuration = WorkflowEngine.Configuration(
        databasePath: path, llm: llm, logger: logger, scriptTimeLimit: 1, sweepInterval: sweep)
    configuration.maxDecideRounds = maxDecideRounds
    if let contextWindow { configuration.contextWindow = contextWindow }
    configuration.secrets = secrets
    configure(&configuration)
    let engine = try await WorkflowEngine(configuration: configuration)
    await engine.start()
    return engine
}

func decodeDef(_ json: String) throws -> WorkflowDef {
    try JSONValue.parse(json).decode(WorkflowDef.self)
}

extension WorkflowEngine {
    /// Polls one task of `type`, failing the test when none arrives in time.
    func pollOne(_ type: String, timeout: Duration = .seconds(5)) async throws -> ConductorTask {
        let tasks = try await poll(taskType: type, workerID: "test-worker", domain: nil, count: 1, timeout: timeout)
        return try #require(tasks.first, "no \(type) task to poll")
    }

    func complete(_ task: ConductorTask, _ output: [String: JSONValue]) async throws {
        try await updateTask(
            TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .completed, outputData: output))
    }

    /// Waits until the execution reaches a terminal status (or `predicate` holds).
    func waitFor(
        _ id: String, timeout: Duration = .seconds(30),
        until predicate: @Sendable (WorkflowExecution) -> Bool = { $0.status.isTerminal }
    ) async throws -> WorkflowExecution {
        let deadline = ContinuousClock.now + timeout
        while true {
            let w = try #require(try await workflow(id: id, includeTasks: true))
            if predicate(w) || ContinuousClock.now >= deadline { return w }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

extension WorkflowExecution {
    func task(_ ref: String) -> ConductorTask? { tasks.last { $0.referenceTaskName == ref } }
}
