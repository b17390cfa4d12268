extension RecordingProvider: EmbeddingProvider {
    /// Embeds through the wrapped provider and records each text's vector (replacing an earlier one of the same
    /// model and text), so a replay answers the same vectors.
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        guard let embedder = inner as? any EmbeddingProvider else {
            throw LLMError(message: "\(request.qualifiedModel): the recorded provider has no embeddings")
        }
        let response = try await embedder.embed(request)
        let model = request.qualifiedModel
        for (text, vector) in zip(request.texts, response.vectors) {
            let recorded = Cassette.RecordedVector(model: model, text: text, vector: vector)
            if let existing = cassette.embeddings.vectors.firstIndex(where: { $0.model == model && $0.text == text }) {
                cassette.embeddings.vectors[existing] = recorded
            } else {
                cassette.embeddings.vectors.append(recorded)
            }
        }
        try cassette.write(to: file)
        return response
    }
}
