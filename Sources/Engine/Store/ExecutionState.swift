import Foundation
import Workflow

/// A task attempt plus the engine's bookkeeping for it.
struct TaskRecord: Sendable {
    var task: ConductorTask
    /// When something is next due for this task: queue visibility (SCHEDULED), response-timeout deadline
    /// (IN_PROGRESS worker task), WAIT deadline, start time of an engine-run async task.
    var wakeAt: Int64?
    /// The queue a worker polls (worker tasks only).
    var queue: String?
    /// Executed by the engine outside the decider (LLM_CHAT_COMPLETE, HTTP).
    var isEngineAsync: Bool

    var id: String { task.taskId }
    var status: TaskStatus { task.status }
    /// The reference name without the DO_WHILE `__N` suffix.
    var baseRef: String { TaskRecord.baseRef(task.referenceTaskName) }

    /// Strips every trailing `__N` (a task in nested loops carries one per loop level).
    static func baseRef(_ ref: String) -> String {
        var ref = ref
        while let range = ref.range(of: "__", options: .backwards), !ref[range.upperBound...].isEmpty,
            ref[range.upperBound...].allSatisfy(\.isNumber)
        {
            ref = String(ref[..<range.lowerBound])
        }
        return ref
    }

    /// The loop suffix of this attempt's reference name (`""`, `"__3"`, `"__2__1"` in nested loops).
    var suffix: String {
        let configured = task.workflowTask?.taskReferenceName ?? baseRef
        let ref = task.referenceTaskName
        return ref.hasPrefix(configured) ? String(ref.dropFirst(configured.count)) : ""
    }
}

/// The persisted part of an execution besides its tasks.
struct ExecutionRecord: Codable, Sendable {
    var execution: WorkflowExecution
    var rootWorkflowID: String
    var taskToDomain: [String: String]?
    var lastRetriedTime: Int64?
    /// How many SUB_WORKFLOW levels above this execution (nil, as in records written before it existed, is 0).
    var depth: Int?
    /// Where the definition is stored (``DefinitionStore``) when it is not inside the stored record; in memory the
    /// record always holds its definition.
    var definitionKey: String?
}

/// An execution loaded into a write transaction: mutated by the decider, saved on commit.
final class ExecutionState {
    var record: ExecutionRecord
    var tasks: [TaskRecord]
    var dirtyTasks: Set<String> = []
    var deletedTasks: Set<String> = []
    var isDirty = false
    /// The decider stopped early; the sweeper must decide this execution again.
    var needsSweep = false
    let definition: WorkflowDef
    let index: DefinitionIndex

    init(record: ExecutionRecord, tasks: [TaskRecord]) {
        self.record = record
        self.tasks = tasks
        self.definition = record.execution.workflowDefinition ?? WorkflowDef(name: record.execution.workflowName)
        self.index = DefinitionIndex(definition)
    }

    init(cached entry: StateCache.Entry) {
        record = entry.record
        tasks = entry.tasks
        definition = entry.definition
        index = entry.index
    }

    var cacheEntry: StateCache.Entry {
        StateCache.Entry(record: record, tasks: tasks, index: index, definition: definition)
    }

    var id: String { record.execution.workflowId }
    var status: WorkflowStatus {
        get { record.execution.status }
        set { record.execution.status = newValue; isDirty = true }
    }
    var execution: WorkflowExecution {
        get { record.execution }
        set { record.execution = newValue; isDirty = true }
    }

    func position(of taskID: String) -> Int? { tasks.firstIndex { $0.id == taskID } }

    /// The latest attempt with this full reference name.
    func latest(ref: String) -> TaskRecord? { tasks.last { $0.task.referenceTaskName == ref } }

    var nextSeq: Int { (tasks.map { $0.task.seq ?? 0 }.max() ?? 0) + 1 }

    func update(_ record: TaskRecord) {
        guard let i = position(of: record.id) else { return }
        tasks[i] = record
        dirtyTasks.insert(record.id)
    }

    func append(_ record: TaskRecord) {
        tasks.append(record)
        dirtyTasks.insert(record.id)
    }
}
