import Workflow

/// LLM_SEARCH_EMBEDDINGS (and its deprecated Conductor name LLM_GET_EMBEDDINGS): the records of `vectorDB` /
/// `index` / `namespace` closest to the vector `embeddings`, at most `maxResults` (default 1). Output:
/// `{result: [{docId, parentDocId, text, score, metadata}]}`, closest first.
enum SearchEmbeddingsTask {
    static func run(_ input: [String: JSONValue], services: RAGServices) async -> EngineTaskOutcome {
        await ragOutcome {
            let fields = RAGTaskInput(input)
            let collection = try fields.collection()
            let vector = try fields.embeddings()
            let store = try services.stores.store(for: collection.vectorDB)
            let matches = try await store.search(vector, in: collection, maxResults: try fields.maxResults())
            return ["result": .array(matches.map(\.json))]
        }
    }
}
