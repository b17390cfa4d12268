import Foundation
import GRDB
import Workflow

extension WorkflowEngine {
    /// Appends messages to a running execution's message queue (Conductor's workflow message queue), in the order
    /// given, and returns their new ids. A PULL_WORKFLOW_MESSAGES task of that execution waiting for messages takes
    /// them in the same transaction, so it completes as soon as the call returns; otherwise they wait in the database
    /// (across restarts) for the next one.
    ///
    /// Throws `notFound` for an unknown execution, `conflict` when it is not RUNNING (nothing is queued), and
    /// `invalidArgument`, naming the message's position, for a message too large to ever be delivered.
    public func sendMessages(workflowID: String, _ payloads: [[String: JSONValue]]) async throws -> [String] {
        let limit = services.limits.maxTaskPayloadBytes / 2
        var texts: [String] = []
        for (i, payload) in payloads.enumerated() {
            let value = JSONValue.object(payload)
            guard value.jsonSize(upTo: limit) <= limit else {
                let at = payloads.count == 1 ? "the message" : "message [\(i)]"
                throw EngineError.invalid("\(at) is \(value.jsonSize(upTo: .max)) bytes of JSON; the limit is \(limit) bytes")
            }
            texts.append(value.jsonText())
        }
        let receivedAt = Self.isoTimestamp(Date())
        let payloadTexts = texts
        return try await perform { session in
            let state = try Self.existing(workflowID, session)
            guard state.status == .running else {
                throw EngineError.conflict(
                    "Workflow \(workflowID) is not in RUNNING state (current: \(state.status.rawValue)); "
                        + "messages are accepted only while it runs")
            }
            var ids: [String] = []
            for text in payloadTexts {
                let id = UUID().uuidString.lowercased()
                try session.db.execute(
                    sql: "INSERT INTO workflow_message(workflow_id, id, received_at, payload) VALUES (?, ?, ?, ?)",
                    arguments: [workflowID, id, receivedAt, text])
                ids.append(id)
            }
            if try session.deliverMessages(in: state) { session.requestDecide(state.id) }
            return ids
        }
    }

    /// The messages queued for an execution and not yet taken by a pull task, oldest first, as the pull task hands
    /// them out (`{id, workflowId, payload, receivedAt}`).
    public func queuedMessages(workflowID: String) async throws -> [JSONValue] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, received_at, payload FROM workflow_message WHERE workflow_id = ? ORDER BY seq",
                arguments: [workflowID]
            ).map { row in
                [
                    "id": .string(row["id"]), "workflowId": .string(workflowID),
                    "payload": try JSONValue.parse(row["payload"] as String), "receivedAt": .string(row["received_at"]),
                ]
            }
        }
    }

    /// ISO-8601 UTC with milliseconds, as Conductor stamps `receivedAt`.
    static func isoTimestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
