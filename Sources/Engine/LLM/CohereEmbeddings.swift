import Workflow

/// Cohere's v2 embed API (`POST {base}/v2/embed`, bearer key): `{model, texts, input_type, embedding_types:
/// ["float"], output_dimension?}` → `{embeddings: {float: [[…]]}, meta: {billed_units: {input_tokens}}}`.
/// Documents are embedded as `search_document`, queries as `search_query`.
public struct CohereEmbeddings: EmbeddingProvider {
    public static let defaultBaseURL = "https://api.cohere.com"

    /// `COHERE_API_KEY`.
    public var apiKey: String?
    /// The API host (the path `/v2/embed` is added).
    public var baseURL: String
    /// Timeout, retries and the HTTP client.
    public var transport: LLMTransport

    public init(apiKey: String?, baseURL: String = CohereEmbeddings.defaultBaseURL, transport: LLMTransport = .init()) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.transport = transport
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "texts": .array(request.texts.map(JSONValue.string)),
            "input_type": request.purpose == .query ? "search_query" : "search_document",
            "embedding_types": ["float"],
        ]
        if let dimensions = request.dimensions, dimensions > 0 {
            body["output_dimension"] = .int(dimensions)
        }
        let json = try await transport.postJSON(
            url: LLMTransport.join(baseURL, "v2/embed"), headers: headers, body: .object(body),
            label: request.qualifiedModel)
        guard let list = json["embeddings"]["float"].arrayValue else {
            throw LLMError(
                message: "\(request.qualifiedModel): the answer has no float embeddings: \(json.jsonText().prefix(300))")
        }
        let vectors = try list.enumerated().map { position, item in
            guard let vector = EmbeddingResponse.vector(item) else {
                throw LLMError(
                    message: "\(request.qualifiedModel): embedding \(position) of the answer is not a list of numbers")
            }
            return vector
        }
        return try EmbeddingResponse(
            vectors: vectors, promptTokens: json["meta"]["billed_units"]["input_tokens"].intValue ?? 0
        ).checked(against: request)
    }
}
