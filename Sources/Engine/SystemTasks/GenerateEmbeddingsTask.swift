import Workflow

/// LLM_GENERATE_EMBEDDINGS: the vector of `text` from `llmProvider` / `model` (Conductor's `EmbeddingGenRequest`,
/// with `dimensions`). Output: `{result: [numbers]}`.
enum GenerateEmbeddingsTask {
    static func run(_ input: [String: JSONValue], services: RAGServices) async -> EngineTaskOutcome {
        await ragOutcome {
            let fields = RAGTaskInput(input)
            guard let text = input["text"]?.stringValue, !text.isEmpty else {
                throw RAGInputError(description: "No input text provided to generate embeddings")
            }
            let (provider, model) = try fields.embeddingModel(providerKey: "llmProvider", modelKey: "model")
            let dimensions = try fields.positiveInt("dimensions", max: 65_536)
            let vectors = try await services.embed(
                [text], provider: provider, model: model, dimensions: dimensions, purpose: .document
            ).vectors
            return ["result": .array(vectors[0].map { .double(Double($0)) })]
        }
    }
}
