import Foundation
import GRDB
import Synchronization
import Workflow

/// The default vector store: a table in the engine's own SQLite database, searched by a brute-force scan of the
/// collection.
///
/// Vectors are kept normalized, as little-endian Float32 BLOBs, so a search is one dot product per record with no
/// allocation per row; an index holds vectors of one length (the first stored fixes it). Searches read through the
/// database's reader connections and never wait for the engine's writes.
final class SQLiteVectorStore: VectorStore {
    let kind = "sqlite"
    private let writer: any DatabaseWriter
    private let tableReady = Mutex(false)

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Creates the table on first use (kept out of the engine's schema migrations: nothing else reads it).
    private func prepare() async throws {
        if tableReady.withLock({ $0 }) { return }
        try await writer.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS vector_entry(
                        vector_db TEXT NOT NULL, index_name TEXT NOT NULL, namespace TEXT NOT NULL, id TEXT NOT NULL,
                        parent_doc_id TEXT NOT NULL, doc TEXT NOT NULL, metadata TEXT NOT NULL,
                        dimensions INTEGER NOT NULL, embedding BLOB NOT NULL,
                        PRIMARY KEY(vector_db, index_name, namespace, id));
                    CREATE INDEX IF NOT EXISTS vector_entry_parent
                        ON vector_entry(vector_db, index_name, namespace, parent_doc_id);
                    """)
        }
        tableReady.withLock { $0 = true }
    }

    func store(_ records: [VectorRecord], replacingParent: String?, in c: VectorCollection) async throws -> Int {
        try Self.checkIndexName(c.index)
        guard let length = records.first?.vector.count else { return 0 }
        if let other = records.first(where: { $0.vector.count != length }) {
            throw VectorStoreError("record \(other.id) has \(other.vector.count) dimensions, the others \(length)")
        }
        try await prepare()
        return try await writer.write { db in
            let existing = try Int.fetchOne(
                db, sql: "SELECT dimensions FROM vector_entry WHERE vector_db = ? AND index_name = ? LIMIT 1",
                arguments: [c.vectorDB, c.index])
            if let existing, existing != length {
                throw VectorStoreError(
                    "index \"\(c.index)\" holds \(existing)-dimensional vectors; these have \(length) "
                        + "(was the embedding model or its dimensions changed?)")
            }
            if let parent = replacingParent {
                try db.execute(
                    sql: "DELETE FROM vector_entry WHERE vector_db = ? AND index_name = ? AND namespace = ? AND parent_doc_id = ?",
                    arguments: [c.vectorDB, c.index, c.namespace, parent])
            }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO vector_entry
                        (vector_db, index_name, namespace, id, parent_doc_id, doc, metadata, dimensions, embedding)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for record in records {
                try insert.execute(
                    arguments: [
                        c.vectorDB, c.index, c.namespace, record.id, record.parentDocId, record.text,
                        JSONValue.object(record.metadata).jsonText(), length, Self.blob(record.vector.normalized),
                    ])
            }
            return records.count
        }
    }

    func search(_ vector: [Float], in c: VectorCollection, maxResults: Int) async throws -> [VectorMatch] {
        try Self.checkIndexName(c.index)
        try await prepare()
        let query = vector.normalized
        let limit = max(1, maxResults)
        return try await writer.read { db in
            var best: [(score: Float, row: Row)] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, parent_doc_id, doc, metadata, dimensions, embedding FROM vector_entry
                    WHERE vector_db = ? AND index_name = ? AND namespace = ?
                    """,
                arguments: [c.vectorDB, c.index, c.namespace])
            while let row = try rows.next() {
                let dimensions: Int = row["dimensions"]
                guard dimensions == query.count else {
                    throw VectorStoreError(
                        "index \"\(c.index)\" holds \(dimensions)-dimensional vectors; the query has \(query.count) "
                            + "(is it embedded with the model the index was built with?)")
                }
                // The BLOB is read in place, not copied (it is only valid until the cursor moves on).
                let score = try row.withUnsafeData(named: "embedding") { data in data.map { Self.dot(query, $0) } } ?? 0
                if best.count == limit, let last = best.last, score <= last.score { continue }
                // Rows of a cursor are reused: keep a copy of the few that make the list.
                let position = best.firstIndex { $0.score < score } ?? best.count
                best.insert((score, row.copy()), at: position)
                if best.count > limit { best.removeLast() }
            }
            return best.map { entry in
                let metadata = (try? JSONValue.parse(entry.row["metadata"] as String))?.objectValue ?? [:]
                return VectorMatch(
                    docId: entry.row["id"], parentDocId: entry.row["parent_doc_id"], text: entry.row["doc"],
                    score: Double(entry.score), metadata: metadata)
            }
        }
    }

    static func blob(_ vector: [Float]) -> Data {
        #if _endian(little)
            return vector.withUnsafeBufferPointer { Data(buffer: $0) }
        #else
            var data = Data(capacity: vector.count * 4)
            for value in vector {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
            return data
        #endif
    }

    /// The dot product of `query` with the little-endian Float32 vector in `data`.
    static func dot(_ query: [Float], _ data: Data) -> Float {
        data.withUnsafeBytes { raw in
            let count = min(query.count, raw.count / 4)
            return query.withUnsafeBufferPointer { q in
                var sum: Float = 0
                #if _endian(little)
                    if let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
                        let stored = UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: count)
                        for i in 0..<count { sum += q[i] * stored[i] }
                        return sum
                    }
                #endif
                for i in 0..<count {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                    sum += q[i] * Float(bitPattern: bits)
                }
                return sum
            }
        }
    }
}
