import Foundation
import GRDB
import Workflow

extension WorkflowEngine {
    /// After a restart: engine-run tasks that were in flight are run again (their result was never committed),
    /// and every RUNNING execution is decided once.
    func recoverAfterRestart() async throws {
        _ = try await perform { session in
            let rows = try Row.fetchAll(
                session.db, sql: "SELECT id, workflow_id FROM task WHERE engine_async = 1 AND status = 'IN_PROGRESS'")
            for row in rows {
                guard let state = try session.load(row["workflow_id"]), let i = state.position(of: row["id"]) else { continue }
                state.tasks[i].task.status = .scheduled
                state.tasks[i].wakeAt = session.now
                state.update(state.tasks[i])
            }
            for id in try String.fetchAll(session.db, sql: "SELECT id FROM execution WHERE status = 'RUNNING'") {
                session.requestDecide(id)
            }
            let ready = try String.fetchAll(
                session.db, sql: "SELECT id FROM task WHERE engine_async = 1 AND status = 'SCHEDULED' AND wake_at <= ?",
                arguments: [session.now])
            session.effects.readyAsyncTasks += ready
        }
    }

    /// One pass of the sweeper: decides executions with a due deadline (response/task timeouts, WAIT, workflow
    /// timeout), starts due engine-run tasks, and wakes pollers of queues whose delayed tasks became visible.
    func sweep() async throws {
        let now = Clock.nowMillis()
        let (due, asyncDue, queues) = try await read { db in
            let due = try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT workflow_id FROM task WHERE status = 'IN_PROGRESS' AND wake_at <= ?
                    UNION SELECT id FROM execution WHERE timeout_at <= ? AND status IN ('RUNNING', 'PAUSED')
                    """,
                arguments: [now, now])
            let asyncDue = try String.fetchAll(
                db, sql: "SELECT id FROM task WHERE engine_async = 1 AND status = 'SCHEDULED' AND wake_at <= ?",
                arguments: [now])
            let queues = try String.fetchAll(
                db,
                sql: "SELECT DISTINCT queue FROM task WHERE queue IS NOT NULL AND status = 'SCHEDULED' AND wake_at <= ?",
                arguments: [now])
            return (due, asyncDue, queues)
        }
        for id in due {
            _ = try await perform { session in
                // Saving recomputes the execution's next due time (workflow timeout or a deferred decide).
                try session.load(id)?.isDirty = true
                session.requestDecide(id)
            }
        }
        for id in asyncDue { dispatch(taskID: id) }
        if !queues.isEmpty { waiters.signal(queues) }
    }

    /// Runs an engine-executed task (LLM_CHAT_COMPLETE, HTTP, MCP, a slow INLINE) off the decider, once at a time
    /// per task.
    func dispatch(taskID: String) {
        let fresh = inFlight.withLock { $0.insert(taskID).inserted }
        guard fresh else { return }
        Task { [weak self] in
            guard let self else { return }
            defer { _ = self.inFlight.withLock { $0.remove(taskID) } }
            do {
                try await self.runEngineTask(taskID)
            } catch {
                self.configuration.logger.error("engine task \(taskID) failed: \(error)", metadata: ["taskId": .string(taskID)])
            }
        }
    }

    private func runEngineTask(_ taskID: String) async throws {
        let claimed: ConductorTask? = try await perform { session in
            guard let workflowID = try String.fetchOne(
                session.db, sql: "SELECT workflow_id FROM task WHERE id = ?", arguments: [taskID]),
                let state = try session.load(workflowID), let i = state.position(of: taskID)
            else { return nil }
            var r = state.tasks[i]
            guard r.status == .scheduled, r.isEngineAsync, !state.status.isTerminal, (r.wakeAt ?? 0) <= session.now else {
                return nil
            }
            r.wakeAt = nil
            session.markInProgress(&r, in: state)
            return r.task
        }
        guard let task = claimed else { return }
        let outcome: EngineTaskOutcome
        switch task.workflowTask?.type {
        case "LLM_CHAT_COMPLETE": outcome = await runLLM(task)
        case "HTTP": outcome = await HTTPTask.run(task.inputData, client: httpClient, credentials: credentials)
        case "LIST_MCP_TOOLS": outcome = await MCPTasks.listTools(task.inputData, client: httpClient, credentials: credentials)
        case "CALL_MCP_TOOL": outcome = await MCPTasks.callTool(task.inputData, client: httpClient, credentials: credentials)
        case let type? where MediaGenerationTask.types.contains(type): outcome = await runMedia(task)
        case "LLM_INDEX_TEXT": outcome = await IndexTextTask.run(task.inputData, services: rag)
        case "LLM_SEARCH_INDEX": outcome = await SearchIndexTask.run(task.inputData, services: rag)
        case "LLM_GENERATE_EMBEDDINGS": outcome = await GenerateEmbeddingsTask.run(task.inputData, services: rag)
        case "LLM_STORE_EMBEDDINGS": outcome = await StoreEmbeddingsTask.run(task.inputData, services: rag)
        case "LLM_SEARCH_EMBEDDINGS", "LLM_GET_EMBEDDINGS": outcome = await SearchEmbeddingsTask.run(task.inputData, services: rag)
        case "INLINE":
            let scripts = services.scripts
            let input = task.inputData
            outcome = await ScriptThreads.shared.run {
                InlineTask.outcome(input, scripts: scripts)
                    ?? EngineTaskOutcome(status: .failed, output: [:], reason: ScriptError.timeout(seconds: scripts.timeLimit).description)
            }
        default: outcome = EngineTaskOutcome(status: .failedWithTerminalError, output: [:], reason: "Unsupported task type")
        }
        _ = try await perform { session in
            guard let state = try session.load(task.workflowInstanceId) else { return }
            try session.finish(taskID, in: state, status: outcome.status, output: outcome.output, reason: outcome.reason)
            session.requestDecide(state.id)
        }
    }

    private func runLLM(_ task: ConductorTask) async -> EngineTaskOutcome {
        do {
            let request = try LLMChatTask.request(from: task.inputData)
            let response = try await configuration.llm.complete(request)
            return EngineTaskOutcome(status: .completed, output: LLMChatTask.output(for: response, request: request), reason: nil)
        } catch let error as LLMError {
            return EngineTaskOutcome(
                status: error.retryable ? .failed : .failedWithTerminalError, output: ["error": .string(error.message)],
                reason: error.message)
        } catch {
            return EngineTaskOutcome(status: .failed, output: ["error": .string("\(error)")], reason: "\(error)")
        }
    }
}

/// How an engine-run task ended.
struct EngineTaskOutcome: Sendable {
    var status: TaskStatus
    var output: [String: JSONValue]
    var reason: String?
}
