import Workflow

/// Gemini's embeddings (`POST {base}/models/{model}:batchEmbedContents`, key in `x-goog-api-key`):
/// `{requests: [{model: "models/{model}", content: {parts: [{text}]}, taskType, outputDimensionality?}]}` →
/// `{embeddings: [{values: […]}]}`. Documents are embedded as `RETRIEVAL_DOCUMENT`, queries as `RETRIEVAL_QUERY`.
public struct GeminiEmbeddings: EmbeddingProvider {
    /// The Generative Language API root.
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com/v1beta"

    /// `GEMINI_API_KEY`.
    public var apiKey: String?
    /// The API root, up to and including the version (`…/v1beta`).
    public var baseURL: String
    /// Timeout, retries and the HTTP client.
    public var transport: LLMTransport

    public init(apiKey: String?, baseURL: String = GeminiEmbeddings.defaultBaseURL, transport: LLMTransport = .init()) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.transport = transport
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        // Model names may come as `models/text-embedding-004` or bare.
        let model = request.model.hasPrefix("models/") ? String(request.model.dropFirst("models/".count)) : request.model
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append(("x-goog-api-key", apiKey)) }
        let json = try await transport.postJSON(
            url: LLMTransport.join(baseURL, "models/\(model):batchEmbedContents"), headers: headers,
            body: Self.body(for: request, model: model), label: request.qualifiedModel)
        guard let list = json["embeddings"].arrayValue else {
            throw LLMError(
                message: "\(request.qualifiedModel): the answer has no embeddings: \(json.jsonText().prefix(300))")
        }
        let vectors = try list.enumerated().map { position, item in
            guard let vector = EmbeddingResponse.vector(item["values"]) else {
                throw LLMError(
                    message: "\(request.qualifiedModel): embedding \(position) of the answer has no values")
            }
            return vector
        }
        return try EmbeddingResponse(vectors: vectors).checked(against: request)
    }

    static func body(for request: EmbeddingRequest, model: String) -> JSONValue {
        let taskType: JSONValue = request.purpose == .query ? "RETRIEVAL_QUERY" : "RETRIEVAL_DOCUMENT"
        let requests: [JSONValue] = request.texts.map { text in
            var item: [String: JSONValue] = [
                "model": .string("models/\(model)"),
                "content": ["parts": [["text": .string(text)]]],
                "taskType": taskType,
            ]
            if let dimensions = request.dimensions, dimensions > 0 {
                item["outputDimensionality"] = .int(dimensions)
            }
            return .object(item)
        }
        return ["requests": .array(requests)]
    }
}
