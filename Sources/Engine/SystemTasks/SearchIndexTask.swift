import Workflow

/// LLM_SEARCH_INDEX: embeds `query` and returns the closest records of `vectorDB` / `index` / `namespace`.
///
/// Inputs as Conductor's `VectorDBInput`: `vectorDB`, `index`, `namespace`, `query` (required),
/// `embeddingModelProvider`, `embeddingModel`, `dimensions`, `maxResults` (default 1). Output, as Conductor's:
/// `{result: [{docId, parentDocId, text, score, metadata}]}`, closest first, `score` the cosine similarity.
enum SearchIndexTask {
    static func run(_ input: [String: JSONValue], services: RAGServices) async -> EngineTaskOutcome {
        await ragOutcome {
            let fields = RAGTaskInput(input)
            let query = try fields.required("query", " (the text to search for)")
            let collection = try fields.collection()
            let (provider, model) = try fields.embeddingModel()
            let dimensions = try fields.positiveInt("dimensions", max: 65_536)
            let limit = try fields.maxResults()
            let store = try services.stores.store(for: collection.vectorDB)
            let vectors = try await services.embed(
                [query], provider: provider, model: model, dimensions: dimensions, purpose: .query
            ).vectors
            let matches = try await store.search(vectors[0], in: collection, maxResults: limit)
            return ["result": .array(matches.map(\.json))]
        }
    }
}
