import Foundation
import GRDB
import Workflow

extension Session {
    /// The most messages one PULL_WORKFLOW_MESSAGES takes, whatever its `batchSize` asks (Conductor's
    /// `maxBatchSize`).
    static let maxMessageBatch = 100

    /// PULL_WORKFLOW_MESSAGES start: completes at once with the queued messages when there are any; otherwise it
    /// waits IN_PROGRESS until ``deliverMessages(in:)`` runs in the transaction that enqueues the next one (nothing
    /// polls the queue). With `blocking: false` it completes with no messages instead of waiting.
    func startPullMessages(_ r: TaskRecord, in state: ExecutionState) throws {
        if try takeMessages(for: r, in: state) { return }
        if r.task.inputData["blocking"]?.boolValue == false {
            try finish(r.id, in: state, status: .completed, output: ["messages": [], "count": 0])
            return
        }
        var waiting = r
        markInProgress(&waiting, in: state)
    }

    /// Hands the execution's queued messages to its waiting pull tasks, the earliest scheduled first, while messages
    /// last. Returns true when a task completed.
    @discardableResult
    func deliverMessages(in state: ExecutionState) throws -> Bool {
        var delivered = false
        for t in state.tasks where t.status == .inProgress && TaskKind(t.task.workflowTask?.type ?? t.task.taskType) == .pullMessages {
            guard try takeMessages(for: t, in: state) else { break }
            delivered = true
        }
        return delivered
    }

    /// Completes `r` with up to its `batchSize` oldest queued messages (Conductor's output `{messages: [{id,
    /// workflowId, payload, receivedAt}], count}`) and removes them from the queue; false when none is queued.
    private func takeMessages(for r: TaskRecord, in state: ExecutionState) throws -> Bool {
        let rows = try Row.fetchAll(
            db, sql: "SELECT seq, id, received_at, payload FROM workflow_message WHERE workflow_id = ? ORDER BY seq LIMIT ?",
            arguments: [state.id, Self.batchSize(of: r)])
        guard !rows.isEmpty else { return false }
        // A batch stays well inside the task output limit (each message was checked against it when it was sent), so
        // the output is never refused and no message is lost; the rest wait for the next pull.
        let budget = services.limits.maxTaskPayloadBytes / 2
        var messages: [JSONValue] = []
        var bytes = 0
        var lastSeq: Int64 = 0
        for row in rows {
            let payload: String = row["payload"]
            if !messages.isEmpty, bytes + payload.utf8.count > budget { break }
            bytes += payload.utf8.count
            messages.append([
                "id": .string(row["id"]), "workflowId": .string(state.id), "payload": try JSONValue.parse(payload),
                "receivedAt": .string(row["received_at"]),
            ])
            lastSeq = row["seq"]
        }
        try db.execute(
            sql: "DELETE FROM workflow_message WHERE workflow_id = ? AND seq <= ?", arguments: [state.id, lastSeq])
        try finish(r.id, in: state, status: .completed, output: ["messages": .array(messages), "count": .int(messages.count)])
        return true
    }

    /// `batchSize` of the task input (a whole number or its text), at least 1 and at most ``maxMessageBatch``;
    /// 1 when absent, as in Conductor.
    static func batchSize(of r: TaskRecord) -> Int {
        let raw = r.task.inputData["batchSize"] ?? .null
        let requested = raw.intValue ?? raw.stringValue.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 1
        return min(max(requested, 1), maxMessageBatch)
    }
}
