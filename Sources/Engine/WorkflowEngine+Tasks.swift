import Foundation
import GRDB
import Logging
import Workflow

extension WorkflowEngine {
    /// Hands out up to `count` ready tasks of `taskType` (in `domain`), waiting up to `timeout` for the first one.
    /// A task is IN_PROGRESS and committed before it is returned.
    public func poll(taskType: String, workerID: String?, domain: String?, count: Int, timeout: Duration) async throws
        -> [ConductorTask]
    {
        let queue = Self.queueName(taskType: taskType, domain: domain)
        pollData.record(taskType: taskType, domain: domain, workerID: workerID, time: Clock.nowMillis())
        let deadline = ContinuousClock.now + timeout
        while true {
            let generation = waiters.generation(of: queue)
            let tasks = try await claim(queue: queue, workerID: workerID, count: max(count, 1))
            for task in tasks {
                configuration.logger.debug(
                    "task handed to a worker",
                    metadata: Self.logMetadata(task.taskId, task.workflowInstanceId, task.taskType, task.workflowType, workerID))
            }
            if !tasks.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled { return tasks }
            await waiters.wait(on: queue, since: generation, until: deadline)
        }
    }

    private func claim(queue: String, workerID: String?, count: Int) async throws -> [ConductorTask] {
        try await perform { session in try Self.claim(queue: queue, workerID: workerID, count: count, in: session) }
    }

    /// Marks up to `count` ready tasks of `queue` IN_PROGRESS for `workerID`, in `session`'s transaction.
    private static func claim(queue: String, workerID: String?, count: Int, in session: Session) throws -> [ConductorTask] {
        let rows = try Row.fetchAll(
            session.db,
            sql: """
                SELECT id, workflow_id FROM task WHERE queue = ? AND status = 'SCHEDULED' AND wake_at <= ?
                ORDER BY priority DESC, wake_at, seq LIMIT ?
                """,
            arguments: [queue, session.now, count])
        var claimed: [ConductorTask] = []
        for row in rows {
            guard let state = try session.load(row["workflow_id"]), let i = state.position(of: row["id"]) else { continue }
            var r = state.tasks[i]
            r.task.workerId = workerID
            r.task.pollCount = (r.task.pollCount ?? 0) + 1
            r.task.callbackAfterSeconds = 0
            r.wakeAt = try Self.responseDeadline(r, session)
            session.markInProgress(&r, in: state)
            claimed.append(r.task)
        }
        return claimed
    }

    static func responseDeadline(_ r: TaskRecord, _ session: Session) throws -> Int64? {
        guard let wt = r.task.workflowTask else { return nil }
        let c = try session.config(for: wt)
        var deadlines: [Int64] = []
        if c.responseTimeoutSeconds > 0 {
            let seconds = c.responseTimeoutSeconds.saturatingAdding(r.task.callbackAfterSeconds ?? 0)
            deadlines.append(.saturatingDeadline(session.now, plusSeconds: seconds))
        }
        if c.timeoutSeconds > 0 { deadlines.append(.saturatingDeadline(r.task.startTime ?? session.now, plusSeconds: c.timeoutSeconds)) }
        return deadlines.min()
    }

    /// Applies a worker's result. Late and duplicate updates (task or workflow already ended) are ignored;
    /// `extendLease` only refreshes the response timeout; IN_PROGRESS requeues after `callbackAfterSeconds`.
    public func updateTask(_ result: TaskResult) async throws {
        _ = try await applyResult(result)
    }

    /// Like ``updateTask(_:)``, then hands out one ready task of the same type (and domain) when the updated task
    /// ended. It does not wait for one: the worker's own long poll does that without holding its update.
    /// The update, its decide and the claim of the next task are one write transaction.
    public func updateTaskV2(_ result: TaskResult) async throws -> ConductorTask? {
        try Self.checkResult(result)
        let (applied, next) = try await perform({ session in try Self.apply(result, in: session) }) { session, applied in
            guard let (type, domain, ended, _) = applied, ended else { return nil as ConductorTask? }
            let queue = Self.queueName(taskType: type, domain: domain)
            return try Self.claim(queue: queue, workerID: result.workerId, count: 1, in: session).first
        }
        logApplied(result, applied)
        if let next, let (type, domain, _, _) = applied {
            pollData.record(taskType: type, domain: domain, workerID: result.workerId, time: Clock.nowMillis())
            configuration.logger.debug(
                "task handed to a worker",
                metadata: Self.logMetadata(next.taskId, next.workflowInstanceId, next.taskType, next.workflowType, result.workerId))
        }
        return next
    }

    static func queueName(taskType: String, domain: String?) -> String {
        domain.flatMap { $0.isEmpty ? nil : "\($0):\(taskType)" } ?? taskType
    }

    private static func checkResult(_ result: TaskResult) throws {
        guard !result.taskId.isEmpty else { throw EngineError.invalid("taskId cannot be empty") }
        try TimeSettingLimits.check(result)
    }

    /// Returns the updated task's type, domain, whether it is now terminal, and its execution's workflow name.
    private func applyResult(_ result: TaskResult) async throws -> (String, String?, Bool, String?)? {
        try Self.checkResult(result)
        let applied = try await perform { session in try Self.apply(result, in: session) }
        logApplied(result, applied)
        return applied
    }

    private func logApplied(_ result: TaskResult, _ applied: (String, String?, Bool, String?)?) {
        if result.extendLease != true, let (type, _, _, agent) = applied {
            var metadata = Self.logMetadata(result.taskId, result.workflowInstanceId, type, agent, result.workerId)
            metadata["status"] = .string((result.status ?? .inProgress).rawValue)
            configuration.logger.debug("task result from a worker", metadata: metadata)
        }
    }

    /// The execution holding task `taskID`: the one the result names when it holds the task (the state cache
    /// usually has it), else the one the task table says.
    private static func execution(holding taskID: String, named workflowID: String, in session: Session) throws -> ExecutionState? {
        if !workflowID.isEmpty, let state = try session.load(workflowID), state.position(of: taskID) != nil { return state }
        guard let owner = try String.fetchOne(session.db, sql: "SELECT workflow_id FROM task WHERE id = ?", arguments: [taskID])
        else { return nil }
        return try session.load(owner)
    }

    /// Applies `result` in `session`; returns the task's type, domain, whether it is now terminal and its workflow name.
    private static func apply(_ result: TaskResult, in session: Session) throws -> (String, String?, Bool, String?)? {
        guard let state = try execution(holding: result.taskId, named: result.workflowInstanceId, in: session),
            let i = state.position(of: result.taskId)
        else { throw EngineError.notFound("No such task found by id: \(result.taskId)") }
        var r = state.tasks[i]
        let domain = r.queue.flatMap { q in q.contains(":") ? String(q.split(separator: ":")[0]) : nil }
        let type = r.task.taskType
        let agent = r.task.workflowType
        guard !r.status.isTerminal, !state.status.isTerminal else { return (type, domain, true, agent) }
        if result.extendLease == true {
            r.task.updateTime = session.now
            if r.queue != nil { r.wakeAt = try Self.responseDeadline(r, session) }
            state.update(r)
            return (type, domain, false, agent)
        }
        if let workerID = result.workerId { r.task.workerId = workerID }
        switch result.status ?? .inProgress {
        case .inProgress:
            if let output = result.outputData {
                if let problem = session.payloadProblem(output, "output") {
                    state.update(r)
                    try session.finish(r.id, in: state, status: .failedWithTerminalError, output: ["error": .string(problem)], reason: problem)
                    session.requestDecide(state.id)
                    return (type, domain, true, agent)
                }
                r.task.outputData = output
            }
            r.task.callbackAfterSeconds = result.callbackAfterSeconds ?? 0
            r.task.updateTime = session.now
            if r.queue != nil {
                r.task.status = .scheduled
                r.wakeAt = Int64.saturatingDeadline(session.now, plusSeconds: result.callbackAfterSeconds ?? 0)
            }
            state.update(r)
            return (type, domain, false, agent)
        case .completed:
            state.update(r)
            try session.finish(r.id, in: state, status: .completed, output: result.outputData ?? [:], reason: result.reasonForIncompletion)
        case .failed:
            state.update(r)
            try session.finish(r.id, in: state, status: .failed, output: result.outputData ?? r.task.outputData, reason: result.reasonForIncompletion)
        case .failedWithTerminalError:
            state.update(r)
            try session.finish(
                r.id, in: state, status: .failedWithTerminalError, output: result.outputData ?? r.task.outputData,
                reason: result.reasonForIncompletion)
        case .canceled:
            state.update(r)
            try session.finish(r.id, in: state, status: .canceled, output: result.outputData, reason: result.reasonForIncompletion)
        }
        session.requestDecide(state.id)
        return (type, domain, true, agent)
    }

    /// The ids a log line about a task carries (the names the worker's lines use too).
    static func logMetadata(
        _ taskID: String, _ executionID: String, _ taskType: String, _ workflowType: String?, _ workerID: String?
    ) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "taskId": .string(taskID), "executionId": .string(executionID), "tool": .string(taskType),
        ]
        if let workflowType { metadata["agent"] = .string(workflowType) }
        if let workerID { metadata["workerId"] = .string(workerID) }
        return metadata
    }

    /// The execution and status of task attempt `id`, for checking a worker's result before it is applied: from the
    /// state cache when `workflowID`'s execution is cached and holds the task, else one indexed read (no JSON).
    public func taskOwnerAndStatus(id: String, workflowID: String) async throws -> (workflowID: String, status: TaskStatus)? {
        if let entry = services.cache.entry(workflowID), let record = entry.tasks.first(where: { $0.id == id }) {
            return (workflowID, record.status)
        }
        return try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT workflow_id, status FROM task WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let status: String = row["status"]
            return (row["workflow_id"], TaskStatus(rawValue: status) ?? .scheduled)
        }
    }

    /// One task attempt by id.
    public func task(id: String) async throws -> ConductorTask? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT json FROM task WHERE id = ?", arguments: [id])
                .map { try JSONValue.decodeJSON(ConductorTask.self, $0) }
        }
    }

    /// Completes (or fails) the first pending task with this reference name — HUMAN and WAIT tasks — merging
    /// `output` into its output. Returns the task id, or nil when no such task is pending.
    public func updateTask(
        workflowID: String, taskRefName: String, status: TaskResult.Status, output: [String: JSONValue]
    ) async throws -> String? {
        try await perform { session in
            let state = try Self.existing(workflowID, session)
            guard !state.status.isTerminal else { return nil }
            let pending = state.tasks.first { !$0.status.isTerminal && $0.task.referenceTaskName == taskRefName }
                ?? state.tasks.first { !$0.status.isTerminal && $0.baseRef == taskRefName }
            guard let t = pending else { return nil }
            let taskStatus: TaskStatus
            switch status {
            case .completed: taskStatus = .completed
            case .failed: taskStatus = .failed
            case .failedWithTerminalError: taskStatus = .failedWithTerminalError
            case .canceled: taskStatus = .canceled
            case .inProgress:
                var r = t
                r.task.outputData.merge(output) { _, new in new }
                if let problem = session.payloadProblem(r.task.outputData, "output") {
                    try session.finish(t.id, in: state, status: .failedWithTerminalError, output: ["error": .string(problem)], reason: problem)
                    session.requestDecide(state.id)
                    return t.id
                }
                r.task.updateTime = session.now
                state.update(r)
                return t.id
            }
            try session.finish(t.id, in: state, status: taskStatus, mergeOutput: output)
            session.requestDecide(state.id)
            return t.id
        }
    }

    /// Number of tasks waiting in each queue.
    public func queueSizes(taskTypes: [String]) async throws -> [String: Int] {
        try await read { db in
            var sizes: [String: Int] = [:]
            for type in taskTypes {
                sizes[type] = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM task WHERE queue = ? AND status = 'SCHEDULED'", arguments: [type]) ?? 0
            }
            return sizes
        }
    }
}

extension WorkflowEngine {
    /// Who polled `taskType` last, per worker and domain, most recent first (Conductor's poll data; in memory).
    public func pollData(taskType: String) -> [PollDataEntry] { pollData.entries(taskType: taskType) }

    /// The poll data of every task type.
    public func allPollData() -> [PollDataEntry] { pollData.all() }
}
