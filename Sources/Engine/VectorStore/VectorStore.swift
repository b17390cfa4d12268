import Workflow

/// Where vectors live: the `vectorDB` named by a task, one of its indexes, and a namespace inside that index.
public struct VectorCollection: Sendable, Hashable {
    /// The name the task gave (`vectorDB`); the embedded store keeps each name apart.
    public var vectorDB: String
    /// Letters, digits, `_` and `-`; in PostgreSQL it names the table.
    public var index: String
    public var namespace: String

    public init(vectorDB: String, index: String, namespace: String) {
        self.vectorDB = vectorDB
        self.index = index
        self.namespace = namespace
    }
}

/// One stored text and its vector.
public struct VectorRecord: Sendable, Hashable {
    /// Unique in its collection; storing the same id again replaces the record.
    public var id: String
    /// The document the record is a chunk of (the id itself for a whole document).
    public var parentDocId: String
    public var text: String
    public var metadata: [String: JSONValue]
    public var vector: [Float]

    public init(id: String, parentDocId: String, text: String, metadata: [String: JSONValue] = [:], vector: [Float]) {
        self.id = id
        self.parentDocId = parentDocId
        self.text = text
        self.metadata = metadata
        self.vector = vector
    }
}

/// A record found by a search, as Conductor's `IndexedDoc`.
public struct VectorMatch: Sendable, Hashable {
    public var docId: String
    public var parentDocId: String
    public var text: String
    /// Cosine similarity to the query, from -1 to 1 (higher is closer).
    public var score: Double
    public var metadata: [String: JSONValue]

    public init(docId: String, parentDocId: String, text: String, score: Double, metadata: [String: JSONValue]) {
        self.docId = docId
        self.parentDocId = parentDocId
        self.text = text
        self.score = score
        self.metadata = metadata
    }

    /// `{docId, parentDocId, text, score, metadata}`.
    public var json: JSONValue {
        [
            "docId": .string(docId), "parentDocId": .string(parentDocId), "text": .string(text),
            "score": .double(score), "metadata": .object(metadata),
        ]
    }
}

/// A failed vector store operation.
public struct VectorStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// A connection or server failure a retry may fix (bad input and dimension mismatches are not).
    public var retryable: Bool

    public init(_ message: String, retryable: Bool = false) {
        self.message = message
        self.retryable = retryable
    }

    public var description: String { message }
}

/// Stores vectors and finds the nearest ones by cosine similarity.
public protocol VectorStore: Sendable {
    /// What backs the store (`sqlite`, `pgvector`), reported in task outputs.
    var kind: String { get }

    /// Writes `records` into `collection`, first removing every record of document `replacingParent` when given
    /// (re-indexing a document drops its old chunks). Returns the records written.
    /// - Throws: ``VectorStoreError`` when the vectors' length differs from the index's.
    func store(_ records: [VectorRecord], replacingParent: String?, in collection: VectorCollection) async throws -> Int

    /// The `maxResults` records of `collection` closest to `vector`, closest first.
    /// - Throws: ``VectorStoreError`` when the query's length differs from the index's.
    func search(_ vector: [Float], in collection: VectorCollection, maxResults: Int) async throws -> [VectorMatch]
}

extension VectorStore {
    /// Checks an index name (it becomes a PostgreSQL table name).
    static func checkIndexName(_ index: String) throws {
        let allowed = index.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == 0x5f || byte == 0x2d
        }
        guard !index.isEmpty, index.utf8.count <= 40, allowed else {
            throw VectorStoreError(
                "index \"\(index)\" is not a valid index name: use 1 to 40 letters, digits, '_' or '-'")
        }
    }
}

extension Array where Element == Float {
    /// The vector scaled to length 1 (unchanged when it is all zeros).
    var normalized: [Float] {
        let norm = reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? map { $0 / norm } : self
    }
}
