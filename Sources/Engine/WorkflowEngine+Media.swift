import Foundation
import GRDB
import Workflow

/// A file a media task generated, as the server serves it at `GET /api/media/{id}`.
public struct StoredMedia: Sendable, Hashable {
    public var id: String
    /// The execution and task that generated it.
    public var workflowID: String
    public var taskID: String
    public var mimeType: String
    public var data: Data
    /// Milliseconds since 1970.
    public var createTime: Int64
}

extension WorkflowEngine {
    /// The URL path media files are served at; a stored file's location is this plus its id.
    public static let mediaPathPrefix = "/api/media/"

    /// The stored file `id`, or nil when there is none.
    public func media(id: String) async throws -> StoredMedia? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT id, workflow_id, task_id, mime_type, data, create_time FROM media WHERE id = ?",
                arguments: [id]
            ).map { row in
                StoredMedia(
                    id: row["id"], workflowID: row["workflow_id"], taskID: row["task_id"], mimeType: row["mime_type"],
                    data: row["data"], createTime: row["create_time"])
            }
        }
    }

    /// Stores the files `task` generated, durably, and returns where each is served.
    func storeMedia(_ items: [GeneratedMedia], for task: ConductorTask) async throws -> [StoredMediaReference] {
        let now = Clock.nowMillis()
        let rows = items.map { (id: UUID().uuidString.lowercased(), item: $0) }
        try await perform { session in
            for row in rows {
                try session.db.execute(
                    sql: "INSERT INTO media(id, workflow_id, task_id, mime_type, data, create_time) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [row.id, task.workflowInstanceId, task.taskId, row.item.mimeType, row.item.data, now])
            }
        }
        return rows.map {
            StoredMediaReference(
                id: $0.id, location: Self.mediaPathPrefix + $0.id, mimeType: $0.item.mimeType, sizeBytes: $0.item.data.count)
        }
    }

    /// Runs GENERATE_IMAGE, GENERATE_AUDIO, GENERATE_VIDEO or GENERATE_PDF.
    func runMedia(_ task: ConductorTask) async -> EngineTaskOutcome {
        let store: MediaSink = { [self] items in try await self.storeMedia(items, for: task) }
        let provider = configuration.llm
        switch task.workflowTask?.type {
        case "GENERATE_IMAGE": return await GenerateImageTask.run(task.inputData, provider: provider, store: store)
        case "GENERATE_AUDIO": return await GenerateAudioTask.run(task.inputData, provider: provider, store: store)
        case "GENERATE_VIDEO": return await GenerateVideoTask.run(task.inputData, provider: provider, store: store)
        default: return await GeneratePDFTask.run(task.inputData, store: store)
        }
    }
}
