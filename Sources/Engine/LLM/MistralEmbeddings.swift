import Workflow

/// Mistral's embeddings API (`POST {base}/embeddings`, bearer key): OpenAI's shape, except that the vector length
/// is asked for as `output_dimension` (only some models, such as `codestral-embed`, take one).
public struct MistralEmbeddings: EmbeddingProvider {
    public static let defaultBaseURL = "https://api.mistral.ai/v1"

    /// `MISTRAL_API_KEY`.
    public var apiKey: String?
    /// The API root, up to and including `/v1`.
    public var baseURL: String
    /// Timeout, retries and the HTTP client.
    public var transport: LLMTransport

    public init(apiKey: String?, baseURL: String = MistralEmbeddings.defaultBaseURL, transport: LLMTransport = .init()) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.transport = transport
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let body = OpenAIProvider.embeddingBody(for: request, openAIWire: false)
        let json = try await transport.postJSON(
            url: LLMTransport.join(baseURL, "embeddings"), headers: headers, body: body, label: request.qualifiedModel)
        return try OpenAIProvider.embeddingResponse(from: json, label: request.qualifiedModel).checked(against: request)
    }
}
