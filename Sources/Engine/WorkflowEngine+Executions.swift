import Foundation
import GRDB
import Workflow

extension WorkflowEngine {
    /// Starts an execution by registered name (latest or given version) or with the inline `workflowDef`;
    /// the first decide has run and is committed when the id is returned.
    public func startWorkflow(_ request: StartWorkflowRequest) async throws -> String {
        if let inline = request.workflowDef { try Self.validate(inline) }
        return try await perform { session in
            let def: WorkflowDef
            if let inline = request.workflowDef {
                def = inline
            } else if let found = try session.workflowDef(name: request.name, version: request.version) {
                def = found
            } else {
                throw EngineError.notFound(
                    "No such workflow found by name: \(request.name), version: \(request.version.map(String.init) ?? "latest")")
            }
            let state = try session.createExecution(
                def: def, input: request.input ?? [:], correlationId: request.correlationId, priority: request.priority,
                taskToDomain: request.taskToDomain, parent: nil)
            return state.id
        }
    }

    /// The execution, with or without its tasks.
    public func workflow(id: String, includeTasks: Bool) async throws -> WorkflowExecution? {
        if let cached = services.cache.entry(id) {
            var e = cached.record.execution
            e.tasks = includeTasks ? cached.tasks.map(\.task) : []
            return e
        }
        return try await read { db in
            guard let json = try String.fetchOne(db, sql: "SELECT json FROM execution WHERE id = ?", arguments: [id]) else {
                return nil
            }
            var record = try JSONValue.decodeJSON(ExecutionRecord.self, json)
            try self.services.definitions.attach(to: &record, in: db)
            var e = record.execution
            if includeTasks {
                e.tasks = try String.fetchAll(db, sql: "SELECT json FROM task WHERE workflow_id = ? ORDER BY seq", arguments: [id])
                    .map { try JSONValue.decodeJSON(ConductorTask.self, $0) }
            }
            return e
        }
    }

    /// Executions, newest first, without tasks.
    public func searchWorkflows(name: String?, status: WorkflowStatus?, limit: Int) async throws -> [WorkflowExecution] {
        try await searchWorkflowPage(name: name, status: status, start: 0, limit: limit).results
    }

    /// One page of executions (newest first) and how many match in all, as Conductor's search reports them.
    public func searchWorkflowPage(name: String?, status: WorkflowStatus?, start: Int, limit: Int) async throws
        -> (totalHits: Int, results: [WorkflowExecution])
    {
        try await read { db in
            var filter = " WHERE 1 = 1"
            var args: [any DatabaseValueConvertible] = []
            if let name { filter += " AND name = ?"; args.append(name) }
            if let status { filter += " AND status = ?"; args.append(status.rawValue) }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution" + filter, arguments: StatementArguments(args)) ?? 0
            // The page's rows are picked from the index alone; only they are read (a sort never carries their JSON).
            let results = try String.fetchAll(
                db,
                sql: "SELECT json FROM execution WHERE rowid IN (SELECT rowid FROM execution" + filter
                    + " ORDER BY create_time DESC, rowid DESC LIMIT ? OFFSET ?) ORDER BY create_time DESC, rowid DESC",
                arguments: StatementArguments(args + [max(limit, 0), max(start, 0)])
            ).map { json in
                var record = try JSONValue.decodeJSON(ExecutionRecord.self, json)
                try self.services.definitions.attach(to: &record, in: db)
                return record.execution
            }
            return (total, results)
        }
    }

    /// Terminates a running or paused execution (conflict when COMPLETED; no-op when already TERMINATED).
    public func terminate(workflowID: String, reason: String?) async throws {
        _ = try await perform { session in
            let state = try Self.existing(workflowID, session)
            switch state.status {
            case .terminated: return
            case .completed: throw EngineError.conflict("Workflow \(workflowID) is already COMPLETED")
            case .running, .paused: try session.endWorkflow(state, status: .terminated, reason: reason ?? "Terminated")
            default: throw EngineError.conflict("Workflow \(workflowID) has already ended with \(state.status.rawValue)")
            }
        }
    }

    /// Pauses: no new tasks are scheduled; queued ones can still be polled and completed.
    public func pause(workflowID: String) async throws {
        _ = try await perform { session in
            let state = try Self.existing(workflowID, session)
            guard !state.status.isTerminal else { throw EngineError.conflict("Workflow \(workflowID) has ended") }
            guard state.status == .running else { return }
            state.status = .paused
            state.execution.updateTime = session.now
            session.record(.workflowPaused, state)
        }
    }

    /// Resumes a paused execution and decides at once.
    public func resume(workflowID: String) async throws {
        _ = try await perform { session in
            let state = try Self.existing(workflowID, session)
            guard state.status == .paused else { throw EngineError.conflict("Workflow \(workflowID) is not paused") }
            state.status = .running
            state.execution.updateTime = session.now
            state.record.lastRetriedTime = session.now
            session.record(.workflowResumed, state)
            session.requestDecide(state.id)
        }
    }

    /// Retries a failed/terminated/timed-out execution from its failed tasks (conductor.md §4.3).
    public func retry(workflowID: String) async throws {
        _ = try await perform { session in
            let state = try Self.existing(workflowID, session)
            guard state.status.isTerminal else { throw EngineError.conflict("Workflow \(workflowID) is still running") }
            guard state.status != .completed else { throw EngineError.conflict("Workflow \(workflowID) is COMPLETED") }
            try Self.reopen(state, session, recording: .workflowResumed)
            var retried = 0
            var latest: [String: TaskRecord] = [:]
            for t in state.tasks { latest[t.task.referenceTaskName] = t }
            for t in latest.values.sorted(by: { ($0.task.seq ?? 0) < ($1.task.seq ?? 0) }) {
                guard let wt = t.task.workflowTask else { continue }
                switch t.status {
                case .failed, .failedWithTerminalError, .timedOut, .canceled:
                    if ["JOIN", "DO_WHILE"].contains(wt.type) {
                        var r = t
                        r.task.status = .inProgress
                        r.task.retryCount = (r.task.retryCount ?? 0) + 1
                        r.task.executed = false
                        r.task.endTime = nil
                        state.update(r)
                        session.record(.taskStarted, state, task: r.id)
                    } else {
                        if let i = state.position(of: t.id) {
                            state.tasks[i].task.retried = true
                            state.tasks[i].task.executed = true
                            state.update(state.tasks[i])
                        }
                        var previous = t
                        previous.task.retryCount = (t.task.retryCount ?? 0)
                        try session.schedule(wt, suffix: t.suffix, in: state, retryOf: previous, immediate: true)
                    }
                    retried += 1
                default: break
                }
            }
            guard retried > 0 else {
                throw EngineError.conflict("There are no retryable tasks! Use restart if you want to attempt entire workflow execution again.")
            }
            session.requestDecide(state.id)
        }
    }

    /// Restarts an ended execution from the beginning with the same id and input.
    public func restart(workflowID: String) async throws {
        _ = try await perform { session in
            let state = try Self.existing(workflowID, session)
            guard state.status.isTerminal else { throw EngineError.conflict("Workflow \(workflowID) is still running") }
            if state.status == .completed, state.definition.restartable == false {
                throw EngineError.conflict("Workflow \(workflowID) is not restartable")
            }
            for t in state.tasks { state.deletedTasks.insert(t.id) }
            state.tasks = []
            state.dirtyTasks = []
            try Self.reopen(state, session, recording: .workflowStarted)
            state.execution.createTime = session.now
            state.execution.output = [:]
            state.execution.variables = state.definition.variables ?? [:]
            state.record.lastRetriedTime = nil
            session.requestDecide(state.id)
        }
    }

    private static func reopen(_ state: ExecutionState, _ session: Session, recording kind: JournalEntry.Kind) throws {
        var e = state.execution
        e.status = .running
        e.reasonForIncompletion = nil
        e.failedReferenceTaskNames = nil
        e.endTime = nil
        e.updateTime = session.now
        state.execution = e
        state.record.lastRetriedTime = session.now
        session.record(kind, state)
    }

    /// Merges variables (e.g. `_stop_requested`, `_signal_injection`) and decides.
    public func setVariables(workflowID: String, _ variables: [String: JSONValue]) async throws {
        _ = try await perform { session in
            let state = try Self.existing(workflowID, session)
            guard !state.status.isTerminal else { throw EngineError.conflict("Workflow \(workflowID) has ended") }
            state.execution.variables.merge(variables) { _, new in new }
            state.execution.updateTime = session.now
            session.requestDecide(state.id)
        }
    }

    static func existing(_ id: String, _ session: Session) throws -> ExecutionState {
        guard let state = try session.load(id) else { throw EngineError.notFound("No such workflow found by id: \(id)") }
        return state
    }
}
