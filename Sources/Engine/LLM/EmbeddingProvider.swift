import Workflow

/// Texts to turn into vectors with one embedding model.
public struct EmbeddingRequest: Sendable, Hashable {
    /// What the vectors are for; providers that tune vectors to their use (Cohere's `input_type`, Gemini's
    /// `taskType`) are told, the others ignore it.
    public enum Purpose: String, Sendable, Hashable {
        /// Texts to be stored and found later (LLM_INDEX_TEXT, LLM_GENERATE_EMBEDDINGS).
        case document
        /// A query to search stored texts with (LLM_SEARCH_INDEX).
        case query
    }

    /// Provider id, as in `embeddingModelProvider` (`openai`, `ollama`, `google_gemini`, `mistral`, `cohere`, …).
    public var provider: String
    /// The provider's model name (`text-embedding-3-small`).
    public var model: String
    /// One vector comes back for each, in order.
    public var texts: [String]
    /// Length of the vectors, for models that can shorten them; nil takes the model's own.
    public var dimensions: Int?
    public var purpose: Purpose

    public init(provider: String, model: String, texts: [String], dimensions: Int? = nil, purpose: Purpose = .document) {
        self.provider = provider
        self.model = model
        self.texts = texts
        self.dimensions = dimensions
        self.purpose = purpose
    }

    /// `provider/model`, as error messages and cassettes name the model.
    public var qualifiedModel: String { "\(provider)/\(model)" }
}

/// The vectors of an ``EmbeddingRequest``.
public struct EmbeddingResponse: Sendable, Hashable {
    /// One per requested text, in the request's order.
    public var vectors: [[Float]]
    /// Input tokens the provider reported (0 when it reports none).
    public var promptTokens: Int

    public init(vectors: [[Float]], promptTokens: Int = 0) {
        self.vectors = vectors
        self.promptTokens = promptTokens
    }
}

/// Something that turns texts into vectors: a provider's embedding API, a cassette, or a router over several.
public protocol EmbeddingProvider: Sendable {
    /// Embeds every text of `request`.
    /// - Throws: ``LLMError`` (retryable for 429, 5xx and connection failures, as for chat completions).
    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse
}

extension EmbeddingResponse {
    /// Checks that a provider answered one non-empty vector per text.
    /// - Throws: a non-retryable ``LLMError`` naming the model otherwise.
    func checked(against request: EmbeddingRequest) throws -> EmbeddingResponse {
        guard vectors.count == request.texts.count else {
            throw LLMError(
                message: "\(request.qualifiedModel): asked for \(request.texts.count) embedding(s), the provider "
                    + "answered \(vectors.count)")
        }
        if vectors.contains(where: \.isEmpty) {
            throw LLMError(message: "\(request.qualifiedModel): the provider answered an empty embedding")
        }
        return self
    }

    /// A JSON list of numbers as a vector; nil when it is not one.
    static func vector(_ value: JSONValue) -> [Float]? {
        guard let items = value.arrayValue else { return nil }
        var vector: [Float] = []
        vector.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .double(let number): vector.append(Float(number))
            case .int(let number): vector.append(Float(number))
            default: return nil
            }
        }
        return vector
    }
}
