import Workflow

/// LLM_INDEX_TEXT: embeds `text` and stores it under `docId` in `vectorDB` / `index` / `namespace`.
///
/// Inputs as Conductor's `IndexDocInput`: `vectorDB`, `index`, `namespace` (default: the `docId`), `docId`
/// (required), `text` (required), `metadata`, `embeddingModelProvider`, `embeddingModel`, `dimensions`,
/// `chunkSize` (default 12000 characters) and `chunkOverlap` (default 400). A text up to `chunkSize` is one record
/// whose id is the `docId`, as in Conductor; a longer one is cut into chunks of `chunkSize` characters (at a
/// whitespace when there is one in the chunk's last fifth) that overlap by `chunkOverlap`, stored as
/// `<docId>#<n>` with `parentDocId` = `docId`. Indexing a `docId` again replaces all of its chunks.
///
/// Output: `{docId, vectorDB, index, namespace, chunks, dimensions, store}`.
enum IndexTextTask {
    static let defaultChunkSize = 12_000
    static let defaultChunkOverlap = 400

    static func run(_ input: [String: JSONValue], services: RAGServices) async -> EngineTaskOutcome {
        await ragOutcome {
            let fields = RAGTaskInput(input)
            guard let docId = fields.string("docId") else { throw RAGInputError(description: "docId is empty") }
            guard let text = input["text"]?.stringValue, !text.isEmpty else {
                if fields.string("url") != nil {
                    throw RAGInputError(description: "text is required: agentspanc does not load documents from url")
                }
                throw RAGInputError(description: "text is required (the text to index)")
            }
            let collection = try fields.collection(defaultNamespace: docId)
            let (provider, model) = try fields.embeddingModel()
            let dimensions = try fields.positiveInt("dimensions", max: 65_536)
            let size = try fields.positiveInt("chunkSize") ?? defaultChunkSize
            let overlap = try fields.positiveInt("chunkOverlap") ?? min(defaultChunkOverlap, size / 2)
            guard overlap < size else {
                throw RAGInputError(description: "chunkOverlap (\(overlap)) must be smaller than chunkSize (\(size))")
            }
            var metadata = try fields.metadata()
            let store = try services.stores.store(for: collection.vectorDB)
            let pieces = chunks(of: text, size: size, overlap: overlap)
            let vectors = try await services.embed(
                pieces, provider: provider, model: model, dimensions: dimensions, purpose: .document
            ).vectors
            var records: [VectorRecord] = []
            for (position, (piece, vector)) in zip(pieces, vectors).enumerated() {
                if pieces.count > 1 {
                    metadata["chunk"] = .int(position)
                    metadata["chunks"] = .int(pieces.count)
                }
                records.append(
                    VectorRecord(
                        id: pieces.count == 1 ? docId : "\(docId)#\(position)", parentDocId: docId, text: piece,
                        metadata: metadata, vector: vector))
            }
            let written = try await store.store(records, replacingParent: docId, in: collection)
            return [
                "docId": .string(docId), "vectorDB": .string(collection.vectorDB), "index": .string(collection.index),
                "namespace": .string(collection.namespace), "chunks": .int(written),
                "dimensions": .int(vectors.first?.count ?? 0), "store": .string(store.kind),
            ]
        }
    }

    /// `text` cut into pieces of at most `size` characters, each starting `overlap` characters before the previous
    /// one ended; a cut moves back to the last whitespace in the piece's final fifth so words stay whole.
    static func chunks(of text: String, size: Int, overlap: Int) -> [String] {
        let characters = Array(text)
        guard characters.count > size else { return [text] }
        var pieces: [String] = []
        var start = 0
        while start < characters.count {
            var end = min(start + size, characters.count)
            if end < characters.count {
                let floor = end - size / 5
                if let space = (floor..<end).last(where: { characters[$0].isWhitespace }), space > start + overlap {
                    end = space + 1
                }
            }
            pieces.append(String(characters[start..<end]))
            if end == characters.count { break }
            start = end - overlap
        }
        return pieces
    }
}
