import GRDB
import Logging
import Synchronization

/// The vector stores of one engine, chosen by a task's `vectorDB`:
///
/// - `pgvectordb` (also `pgvector`, `postgres`, `postgresql`): PostgreSQL with pgvector, when the server was given a
///   connection (`--pgvector-url`); without one these names use the embedded store, and say so in the task output;
/// - `pineconedb`, `mongodb_atlas` and other external databases agentspanc does not connect to: refused, naming
///   the ones it does;
/// - any other name, or none: the store embedded in the engine's SQLite database, each name kept apart.
final class VectorStores: Sendable {
    static let postgresNames: Set<String> = ["pgvectordb", "pgvector", "postgres", "postgresql"]
    static let unsupportedNames: Set<String> = [
        "pineconedb", "pinecone", "mongodb_atlas", "mongodb", "mongovectordb", "weaviate", "qdrant", "milvus",
        "chroma", "chromadb", "elasticsearch", "opensearch", "redis",
    ]

    let embedded: SQLiteVectorStore
    let postgres: PGVectorStore?
    private let logger: Logger
    private let warnedFallback = Mutex(false)

    init(writer: any DatabaseWriter, pgvectorURL: String?, timeout: Duration = .seconds(30), logger: Logger) throws {
        embedded = SQLiteVectorStore(writer: writer)
        postgres = try pgvectorURL.map { try PGVectorStore(url: $0, logger: logger, timeout: timeout) }
        self.logger = logger
    }

    /// Why `url` cannot connect to pgvector; nil when it is a usable `postgres://` URL.
    static func problem(withPGVectorURL url: String) -> String? {
        do {
            _ = try PGVectorStore.configuration(url: url)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The store serving `vectorDB`.
    /// - Throws: ``VectorStoreError`` for a database agentspanc does not connect to.
    func store(for vectorDB: String) throws -> any VectorStore {
        let name = vectorDB.lowercased()
        if Self.postgresNames.contains(name) {
            if let postgres { return postgres }
            let first = warnedFallback.withLock { warned in
                defer { warned = true }
                return !warned
            }
            if first {
                logger.warning(
                    "vectorDB \(vectorDB): no PostgreSQL configured (--pgvector-url), using the embedded SQLite vector store")
            }
            return embedded
        }
        if Self.unsupportedNames.contains(name) {
            throw VectorStoreError(
                "vectorDB \"\(vectorDB)\" is not supported by agentspanc: use pgvectordb (PostgreSQL with pgvector, "
                    + "--pgvector-url) or any other name for the store embedded in the server's SQLite database")
        }
        return embedded
    }
}

extension WorkflowEngine.Configuration {
    /// Why `url` cannot be used as ``pgvectorURL``; nil when it is a usable `postgres://` URL.
    public static func problem(withPGVectorURL url: String) -> String? {
        VectorStores.problem(withPGVectorURL: url)
    }
}
