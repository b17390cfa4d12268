import Foundation
import GRDB

/// What the store holds right now, for metrics: counted by SQLite at the time of the call.
public struct StoreStatistics: Sendable, Hashable {
    /// Executions (sub-workflows included) of one workflow name in one status.
    public struct ExecutionCount: Sendable, Hashable {
        public var workflowName: String
        public var status: String
        public var count: Int
    }

    public var executions: [ExecutionCount]
    /// SCHEDULED tasks waiting for a worker, by queue (the task type, `domain:type` for a domain).
    public var queueDepths: [String: Int]
    /// Bytes of the SQLite database file (its pages, for an in-memory store).
    public var databaseBytes: Int64
    /// Bytes of the write-ahead log beside it (0 when there is none).
    public var walBytes: Int64
}

extension WorkflowEngine {
    /// Counts executions by name and status and waiting tasks by queue, and measures the database file.
    public func storeStatistics() async throws -> StoreStatistics {
        let (executions, queues, pageBytes) = try await read { db in
            let executions = try Row.fetchAll(
                db, sql: "SELECT name, status, COUNT(*) AS n FROM execution GROUP BY name, status"
            ).map { row in
                StoreStatistics.ExecutionCount(workflowName: row["name"], status: row["status"], count: row["n"])
            }
            // Served by the queue index (queue, status, …), so it stays cheap with many finished tasks.
            let queues = try Row.fetchAll(
                db,
                sql: "SELECT queue, COUNT(*) AS n FROM task WHERE queue IS NOT NULL AND status = 'SCHEDULED' GROUP BY queue")
            var depths: [String: Int] = [:]
            for row in queues { depths[row["queue"]] = row["n"] }
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return (executions, depths, pages * pageSize)
        }
        guard let path = configuration.databasePath else {
            return StoreStatistics(executions: executions, queueDepths: queues, databaseBytes: pageBytes, walBytes: 0)
        }
        return StoreStatistics(
            executions: executions, queueDepths: queues, databaseBytes: Self.fileSize(path) ?? pageBytes,
            walBytes: Self.fileSize(path + "-wal") ?? 0)
    }

    private static func fileSize(_ path: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
    }
}
