import Foundation
import GRDB
import Logging
import Workflow

/// What a committed transaction asks the engine to do afterwards.
struct CommitEffects: Sendable {
    var journal: [JournalEntry] = []
    /// Worker queues that got a task ready now.
    var readyQueues: Set<String> = []
    /// Engine-run async tasks (LLM, HTTP) ready now.
    var readyAsyncTasks: [String] = []
    /// Every execution the transaction touched, as committed.
    var committedStates: [StateCache.Entry] = []
    /// Executions whose decide yielded before it was done, to continue in a transaction of their own.
    var unfinishedDecides: [String] = []
}

/// One write transaction: loads executions on demand, lets the decider mutate them, saves what changed and
/// appends journal entries in the same transaction.
final class Session {
    let db: Database
    let services: EngineServices
    let now: Int64
    private(set) var states: [String: ExecutionState] = [:]
    private var loadOrder: [String] = []
    private var journal: [(kind: JournalEntry.Kind, workflowID: String, root: String, parent: String?, task: String?)] = []
    var effects = CommitEffects()
    /// Executions to evaluate before commit, in request order.
    var pendingDecides: [String] = []
    private var taskDefs: [String: TaskDef?] = [:]
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()
    private let decoder = JSONDecoder()

    init(db: Database, services: EngineServices) {
        self.db = db
        self.services = services
        self.now = Clock.nowMillis()
    }

    // MARK: loading

    func load(_ id: String) throws -> ExecutionState? {
        if let s = states[id] { return s }
        if let entry = services.cache.entry(id) {
            let state = ExecutionState(cached: entry)
            register(state)
            return state
        }
        guard let json = try String.fetchOne(db, sql: "SELECT json FROM execution WHERE id = ?", arguments: [id]) else {
            return nil
        }
        var record = try decoder.decode(ExecutionRecord.self, from: Data(json.utf8))
        try services.definitions.attach(to: &record, in: db)
        let rows = try Row.fetchAll(
            db, sql: "SELECT json, wake_at, queue, engine_async FROM task WHERE workflow_id = ? ORDER BY seq", arguments: [id])
        let tasks = try rows.map { row in
            TaskRecord(
                task: try decoder.decode(ConductorTask.self, from: Data((row["json"] as String).utf8)),
                wakeAt: row["wake_at"], queue: row["queue"], isEngineAsync: row["engine_async"])
        }
        let state = ExecutionState(record: record, tasks: tasks)
        register(state)
        return state
    }

    func register(_ state: ExecutionState) {
        states[state.id] = state
        loadOrder.append(state.id)
    }

    func taskDef(named name: String) throws -> TaskDef? {
        if let cached = taskDefs[name] { return cached }
        let def = try String.fetchOne(db, sql: "SELECT json FROM task_def WHERE name = ?", arguments: [name])
            .map { try decoder.decode(TaskDef.self, from: Data($0.utf8)) }
        taskDefs[name] = def
        return def
    }

    func workflowDef(name: String, version: Int?) throws -> WorkflowDef? {
        let json: String?
        if let version {
            json = try String.fetchOne(
                db, sql: "SELECT json FROM workflow_def WHERE name = ? AND version = ?", arguments: [name, version])
        } else {
            json = try String.fetchOne(
                db, sql: "SELECT json FROM workflow_def WHERE name = ? ORDER BY version DESC LIMIT 1", arguments: [name])
        }
        return try json.map { try decoder.decode(WorkflowDef.self, from: Data($0.utf8)) }
    }

    // MARK: journal

    func record(_ kind: JournalEntry.Kind, _ state: ExecutionState, task: String? = nil) {
        journal.append(
            (kind, state.id, state.record.rootWorkflowID, state.record.execution.parentWorkflowId, task))
    }

    // MARK: commit

    /// Saves every changed execution and task, appends the journal, and returns the effects to publish.
    func commit() throws -> CommitEffects {
        for id in loadOrder {
            guard let state = states[id] else { continue }
            if state.isDirty {
                var record = state.record
                record.execution.tasks = []
                if record.definitionKey == nil, let definition = record.execution.workflowDefinition,
                    let key = try services.definitions.store(definition, in: db)
                {
                    record.definitionKey = key
                    state.record.definitionKey = key
                }
                if record.definitionKey != nil { record.execution.workflowDefinition = nil }
                let e = record.execution
                let timeoutAt: Int64? =
                    state.needsSweep ? now
                    : (e.status.isTerminal || (state.definition.timeoutSeconds ?? 0) <= 0)
                    ? nil
                    : Int64.saturatingDeadline(state.record.lastRetriedTime ?? e.createTime ?? now, plusSeconds: state.definition.timeoutSeconds!)
                try db.execute(
                    sql: """
                        INSERT INTO execution(id, name, status, root_id, parent_id, create_time, timeout_at, json)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET status = excluded.status, timeout_at = excluded.timeout_at,
                            create_time = excluded.create_time, json = excluded.json
                        """,
                    arguments: [
                        e.workflowId, e.workflowName, e.status.rawValue, record.rootWorkflowID, e.parentWorkflowId,
                        e.createTime ?? now, timeoutAt, String(decoding: try encoder.encode(record), as: UTF8.self),
                    ])
                state.isDirty = false
            }
            for taskID in state.deletedTasks {
                try db.execute(sql: "DELETE FROM task WHERE id = ?", arguments: [taskID])
            }
            state.deletedTasks = []
            for t in state.tasks where state.dirtyTasks.contains(t.id) {
                try save(t, priority: state.record.execution.priority ?? 0)
                if t.status == .scheduled, (t.wakeAt ?? 0) <= now {
                    if let q = t.queue { effects.readyQueues.insert(q) }
                    if t.isEngineAsync { effects.readyAsyncTasks.append(t.id) }
                }
            }
            state.dirtyTasks = []
            if state.needsSweep, !effects.unfinishedDecides.contains(id) { effects.unfinishedDecides.append(id) }
            effects.committedStates.append(state.cacheEntry)
        }
        for j in journal {
            try db.execute(
                sql: "INSERT INTO journal(root_id, workflow_id, parent_id, task_id, kind, time) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [j.root, j.workflowID, j.parent, j.task, j.kind.rawValue, now])
            effects.journal.append(
                JournalEntry(
                    seq: db.lastInsertedRowID, rootWorkflowID: j.root, workflowID: j.workflowID,
                    parentWorkflowID: j.parent, taskID: j.task, kind: j.kind, time: now))
        }
        journal = []
        return effects
    }

    func save(_ t: TaskRecord, priority: Int) throws {
        try db.execute(
            sql: """
                INSERT INTO task(id, workflow_id, seq, status, queue, engine_async, priority, wake_at, json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status, queue = excluded.queue,
                    wake_at = excluded.wake_at, json = excluded.json
                """,
            arguments: [
                t.id, t.task.workflowInstanceId, t.task.seq ?? 0, t.status.rawValue, t.queue, t.isEngineAsync,
                priority, t.wakeAt, String(decoding: try encoder.encode(t.task), as: UTF8.self),
            ])
    }
}

/// Epoch-millisecond wall clock.
enum Clock {
    static func nowMillis() -> Int64 { Int64(saturating: (Date().timeIntervalSince1970 * 1000).rounded()) }
}
