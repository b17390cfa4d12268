import Foundation
import Logging
import PostgresNIO
import Synchronization
import Workflow

/// Vectors in PostgreSQL with the pgvector extension (`vectorDB: pgvectordb`).
///
/// Each index is a table `agentspanc_vectors_<index>` (created on first use, with the extension) holding
/// `namespace, id, parent_doc_id, doc, metadata jsonb, embedding vector(N)`, N fixed by the first vector stored,
/// and an HNSW index on the cosine distance (for N up to 2000, pgvector's limit; longer vectors are scanned).
/// Searches rank by cosine distance and report `1 - distance` as the score, as the embedded store does.
final class PGVectorStore: VectorStore {
    let kind = "pgvector"
    /// The connection pool; ``run()`` must be running for queries to be served.
    let client: PostgresClient
    private let logger: Logger
    /// Upper bound of one store or search, connecting included.
    private let timeout: Duration
    /// `host:port`, for messages.
    private let server: String
    /// Tables known to exist, with their vector length.
    private let tables = Mutex<[String: Int]>([:])

    /// - Parameter url: `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    /// - Throws: ``VectorStoreError`` naming what is wrong with the URL.
    init(url: String, logger: Logger, timeout: Duration = .seconds(30)) throws {
        var configuration = try Self.configuration(url: url)
        configuration.options.connectTimeout = .seconds(5)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.timeout = timeout
        self.server = "\(configuration.host ?? "?"):\(configuration.port ?? 5432)"
    }

    /// Serves the pool until cancelled.
    func run() async {
        await client.run()
    }

    /// The client configuration of a `postgres://` (or `postgresql://`) URL.
    static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let parts = URLComponents(string: url), parts.scheme == "postgres" || parts.scheme == "postgresql",
            let host = parts.host, !host.isEmpty
        else {
            throw VectorStoreError(
                "the pgvector URL must look like postgres://user:password@host:5432/database, not \"\(redacted(url))\"")
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let mode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default:
            throw VectorStoreError("the pgvector URL's sslmode must be disable, prefer or require, not \"\(mode)\"")
        }
        return PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres",
            password: parts.password, database: database.isEmpty ? nil : database, tls: tls)
    }

    /// The URL with its password replaced, for messages.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }

    private func table(_ index: String) -> String { "agentspanc_vectors_\(index)" }

    /// The vector length of the index's table, creating table (and extension) with `length` when absent; nil
    /// when the table is absent and `length` is nil.
    private func prepare(_ index: String, length: Int?) async throws -> Int? {
        let name = table(index)
        if let known = tables.withLock({ $0[name] }) { return known }
        var existing: Int?
        let rows = try await client.query(
            """
            SELECT a.atttypmod FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relname = \(name) AND a.attname = 'embedding' AND NOT a.attisdropped
            """, logger: logger)
        for try await modifier in rows.decode(Int32.self) { existing = Int(modifier) }
        if existing == nil, let length {
            let table = quoted(name)
            let logger = logger
            // Two tasks indexing into a new index at once would race on the IF NOT EXISTS of the catalog (a unique
            // violation); a transaction-scoped advisory lock makes the second wait and find everything created.
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.ddlLock))", logger: logger)
                try await connection.query("CREATE EXTENSION IF NOT EXISTS vector", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS \(unescaped: table) (
                        namespace TEXT NOT NULL, id TEXT NOT NULL, parent_doc_id TEXT NOT NULL, doc TEXT NOT NULL,
                        metadata JSONB NOT NULL, embedding vector(\(unescaped: String(length))) NOT NULL,
                        PRIMARY KEY (namespace, id))
                    """, logger: logger)
                try await connection.query(
                    "CREATE INDEX IF NOT EXISTS \(unescaped: quoted(name + "_parent")) ON \(unescaped: table) (namespace, parent_doc_id)",
                    logger: logger)
                if length <= 2000 {
                    try await connection.query(
                        "CREATE INDEX IF NOT EXISTS \(unescaped: quoted(name + "_hnsw")) ON \(unescaped: table) USING hnsw (embedding vector_cosine_ops)",
                        logger: logger)
                }
            }
            // The table may have been created by someone else with another length: read it back.
            return try await prepare(index, length: nil)
        }
        if let existing { tables.withLock { $0[name] = existing } }
        return existing
    }

    private func quoted(_ identifier: String) -> String { "\"\(identifier)\"" }

    /// The advisory lock key that serializes creating tables and indexes (any fixed 64-bit number).
    private static let ddlLock: Int64 = 0x6167_656e_7473_7063

    /// pgvector's text form, `[1,2,3]`.
    private func literal(_ vector: [Float]) -> String {
        "[" + vector.map { $0.isFinite ? String($0) : "0" }.joined(separator: ",") + "]"
    }

    func store(_ records: [VectorRecord], replacingParent: String?, in c: VectorCollection) async throws -> Int {
        try Self.checkIndexName(c.index)
        guard let length = records.first?.vector.count else { return 0 }
        return try await failures { [self] in
            let dimensions = try await prepare(c.index, length: length) ?? length
            if let other = records.first(where: { $0.vector.count != dimensions }) {
                throw VectorStoreError(
                    "index \"\(c.index)\" holds \(dimensions)-dimensional vectors; record \(other.id) has "
                        + "\(other.vector.count) (was the embedding model or its dimensions changed?)")
            }
            let name = quoted(table(c.index))
            let logger = logger
            let values = records.map { ($0, literal($0.vector), JSONValue.object($0.metadata).jsonText()) }
            try await client.withTransaction(logger: logger) { connection in
                if let parent = replacingParent {
                    try await connection.query(
                        "DELETE FROM \(unescaped: name) WHERE namespace = \(c.namespace) AND parent_doc_id = \(parent)",
                        logger: logger)
                }
                for (record, vector, metadata) in values {
                    try await connection.query(
                        """
                        INSERT INTO \(unescaped: name) (namespace, id, parent_doc_id, doc, metadata, embedding)
                        VALUES (\(c.namespace), \(record.id), \(record.parentDocId), \(record.text),
                                \(metadata)::jsonb, \(vector)::vector)
                        ON CONFLICT (namespace, id) DO UPDATE SET parent_doc_id = EXCLUDED.parent_doc_id,
                            doc = EXCLUDED.doc, metadata = EXCLUDED.metadata, embedding = EXCLUDED.embedding
                        """, logger: logger)
                }
            }
            return records.count
        }
    }

    func search(_ vector: [Float], in c: VectorCollection, maxResults: Int) async throws -> [VectorMatch] {
        try Self.checkIndexName(c.index)
        return try await failures { [self] in
            guard let dimensions = try await prepare(c.index, length: nil) else { return [] }
            guard dimensions == vector.count else {
                throw VectorStoreError(
                    "index \"\(c.index)\" holds \(dimensions)-dimensional vectors; the query has \(vector.count) "
                        + "(is it embedded with the model the index was built with?)")
            }
            let tableName = quoted(table(c.index))
            let vectorText = literal(vector)
            let limit = max(1, maxResults)
            let logger = logger
            return try await client.withTransaction(logger: logger) { connection in
                // The HNSW index finds nearest neighbours across all namespaces before the filter drops the other
                // namespaces' rows: widen its candidate list, and scan exactly when it still comes back short.
                try await connection.query(
                    "SET LOCAL hnsw.ef_search = \(unescaped: String(min(1_000, max(100, limit * 10))))", logger: logger)
                var matches = try await Self.nearest(vectorText, in: tableName, namespace: c.namespace, limit: limit, connection, logger)
                if matches.count < limit {
                    try await connection.query("SET LOCAL enable_indexscan = off", logger: logger)
                    matches = try await Self.nearest(vectorText, in: tableName, namespace: c.namespace, limit: limit, connection, logger)
                }
                return matches
            }
        }
    }

    /// The `limit` rows of `namespace` in `table` closest to the vector `literal`, by cosine distance.
    private static func nearest(
        _ literal: String, in table: String, namespace: String, limit: Int, _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> [VectorMatch] {
        let rows = try await connection.query(
            """
            SELECT id, parent_doc_id, doc, metadata::text, 1 - (embedding <=> \(literal)::vector)
            FROM \(unescaped: table) WHERE namespace = \(namespace)
            ORDER BY embedding <=> \(literal)::vector LIMIT \(limit)
            """, logger: logger)
        var matches: [VectorMatch] = []
        for try await (id, parent, doc, metadata, score) in rows.decode((String, String, String, String, Double).self) {
            matches.append(
                VectorMatch(
                    docId: id, parentDocId: parent, text: doc, score: score,
                    metadata: (try? JSONValue.parse(metadata))?.objectValue ?? [:]))
        }
        return matches
    }


    /// Runs `body` within ``timeout`` and turns PostgreSQL errors into ``VectorStoreError``s: the server's message,
    /// retryable for connection trouble. (The pool itself would keep a query waiting for a minute while the server
    /// cannot be reached.)
    private func failures<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = timeout
        let server = server
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw VectorStoreError(
                        "cannot reach the pgvector database at \(server) within \(timeout)", retryable: true)
                }
                return value
            }
        } catch {
            throw Self.storeError(error, server: server)
        }
    }

    /// A ``VectorStoreError`` for what PostgresNIO threw: the server's message, retryable for connection trouble.
    static func storeError(_ error: any Error, server: String) -> VectorStoreError {
        switch error {
        case let error as VectorStoreError:
            return error
        case let error as PostgresTransactionError:
            // The first failure of BEGIN, the statements or COMMIT; a failed rollback after it adds nothing.
            let cause = error.beginError ?? error.closureError ?? error.commitError ?? error.rollbackError
            return cause.map { storeError($0, server: server) }
                ?? VectorStoreError("pgvector: the transaction failed", retryable: true)
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState] ?? ""
                // Class 08 (connection exception), 40 (serialization, deadlock), 53 (insufficient resources),
                // 57 (operator intervention).
                let transient = ["08", "40", "53", "57"].contains { state.hasPrefix($0) }
                return VectorStoreError("PostgreSQL: \(message)", retryable: transient)
            }
            return VectorStoreError("cannot reach the pgvector database at \(server) (\(error.code))", retryable: true)
        default:
            // Connection pool failures (no connection could be made): their descriptions are Swift debug text.
            return VectorStoreError("cannot reach the pgvector database at \(server)", retryable: true)
        }
    }
}
