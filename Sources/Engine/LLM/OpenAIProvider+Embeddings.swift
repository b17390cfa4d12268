import Workflow

/// OpenAI's embeddings API (`POST {base}/embeddings`), and every server that speaks it (vLLM, llama.cpp, LiteLLM,
/// Together, …): `{model, input: [texts], encoding_format: "float", dimensions?}` → `{data: [{index, embedding}],
/// usage: {prompt_tokens}}`.
extension OpenAIProvider: EmbeddingProvider {
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty {
            headers.append(("Authorization", "Bearer \(apiKey)"))
        }
        let json = try await transport.postJSON(
            url: LLMTransport.join(baseURL, "embeddings"), headers: headers,
            body: Self.embeddingBody(for: request), label: request.qualifiedModel)
        return try Self.embeddingResponse(from: json, label: request.qualifiedModel).checked(against: request)
    }

    /// The JSON body of an embeddings request.
    /// - Parameter openAIWire: false leaves out OpenAI's `encoding_format` and names the length `output_dimension`
    ///   (Mistral).
    static func embeddingBody(for request: EmbeddingRequest, openAIWire: Bool = true) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "input": .array(request.texts.map(JSONValue.string)),
        ]
        if openAIWire { body["encoding_format"] = "float" }
        let dimensionsKey = openAIWire ? "dimensions" : "output_dimension"
        if let dimensions = request.dimensions, dimensions > 0 {
            body[dimensionsKey] = .int(dimensions)
        }
        return .object(body)
    }

    /// Parses `{data: [{index, embedding}], usage}`; the vectors come back in `index` order.
    static func embeddingResponse(from json: JSONValue, label: String) throws -> EmbeddingResponse {
        guard let data = json["data"].arrayValue else {
            throw LLMError(message: "\(label): the answer has no embeddings: \(json.jsonText().prefix(300))")
        }
        var indexed: [(Int, [Float])] = []
        for (position, item) in data.enumerated() {
            guard let vector = EmbeddingResponse.vector(item["embedding"]) else {
                throw LLMError(message: "\(label): embedding \(position) of the answer is not a list of numbers")
            }
            indexed.append((item["index"].intValue ?? position, vector))
        }
        return EmbeddingResponse(
            vectors: indexed.sorted { $0.0 < $1.0 }.map(\.1),
            promptTokens: json["usage"]["prompt_tokens"].intValue ?? 0)
    }
}
