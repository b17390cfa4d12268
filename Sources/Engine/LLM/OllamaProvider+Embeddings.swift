import Workflow

/// Ollama's native embeddings API (`POST {host}/api/embed`): `{model, input: [texts], dimensions?}` →
/// `{embeddings: [[…]], prompt_eval_count}`.
extension OllamaProvider: EmbeddingProvider {
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "input": .array(request.texts.map(JSONValue.string)),
        ]
        if let dimensions = request.dimensions, dimensions > 0 {
            body["dimensions"] = .int(dimensions)
        }
        let json = try await transport.postJSON(
            url: LLMTransport.join(Self.normalizedHost(host), "api/embed"), headers: [], body: .object(body),
            label: request.qualifiedModel)
        guard let list = json["embeddings"].arrayValue else {
            throw LLMError(
                message: "\(request.qualifiedModel): the answer has no embeddings: \(json.jsonText().prefix(300))")
        }
        let vectors = try list.enumerated().map { position, item in
            guard let vector = EmbeddingResponse.vector(item) else {
                throw LLMError(
                    message: "\(request.qualifiedModel): embedding \(position) of the answer is not a list of numbers")
            }
            return vector
        }
        return try EmbeddingResponse(vectors: vectors, promptTokens: json["prompt_eval_count"].intValue ?? 0)
            .checked(against: request)
    }
}
