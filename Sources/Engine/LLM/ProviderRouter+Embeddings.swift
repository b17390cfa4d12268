/// Embeddings through the provider named by `embeddingModelProvider`, configured from the same environment as chat:
///
/// | provider | key | endpoint |
/// |---|---|---|
/// | `openai` | `OPENAI_API_KEY` | `OPENAI_BASE_URL` (default `https://api.openai.com/v1`), `/embeddings` |
/// | `google_gemini` (`gemini`) | `GEMINI_API_KEY` | `GEMINI_BASE_URL` (default `…googleapis.com/v1beta`), `batchEmbedContents` |
/// | `ollama` | none | `OLLAMA_HOST` (default `http://localhost:11434`), `/api/embed` |
/// | `mistral` | `MISTRAL_API_KEY` | `MISTRAL_BASE_URL` (default `https://api.mistral.ai/v1`), `/embeddings` |
/// | `cohere` | `COHERE_API_KEY` | `COHERE_BASE_URL` (default `https://api.cohere.com`), `/v2/embed` |
/// | any other `P` (OpenAI-compatible) | `<P>_API_KEY` | `<P>_BASE_URL`, `/embeddings` |
///
/// | `aws_bedrock` | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (SigV4) | `AWS_REGION`, `AWS_BEDROCK_BASE_URL`; Titan and Cohere models |
///
/// A provider without an embeddings API (`anthropic`) fails at once with a non-retryable
/// ``LLMError`` that says so, as does a provider whose key is missing (naming the variable).
extension ProviderRouter: EmbeddingProvider {
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await embeddingProvider(for: request).embed(request)
    }

    /// The provider that will embed `request`, or the configuration error it would fail with.
    public func embeddingProvider(for request: EmbeddingRequest) throws -> any EmbeddingProvider {
        let name = request.provider.lowercased()
        guard !name.isEmpty, !request.model.isEmpty else {
            throw LLMError(
                message: "invalid embedding model \"\(request.qualifiedModel)\": set embeddingModelProvider and "
                    + "embeddingModel, e.g. openai and text-embedding-3-small")
        }
        func keyed(_ prefix: String) throws -> (key: String?, base: String?) {
            let key = environment["\(prefix)_API_KEY"]
            let base = environment["\(prefix)_BASE_URL"]
            guard key != nil || base != nil else {
                throw embeddingsNotConfigured(request, hint: "set \(prefix)_API_KEY")
            }
            return (key, base)
        }
        switch name {
        case "openai":
            let (key, base) = try keyed("OPENAI")
            return OpenAIProvider(apiKey: key, baseURL: base ?? OpenAIProvider.defaultBaseURL, transport: transport)
        case "google_gemini", "gemini", "google":
            let (key, base) = try keyed("GEMINI")
            return GeminiEmbeddings(apiKey: key, baseURL: base ?? GeminiEmbeddings.defaultBaseURL, transport: transport)
        case "ollama":
            return OllamaProvider(host: environment["OLLAMA_HOST"] ?? OllamaProvider.defaultHost, transport: transport)
        case "mistral":
            let (key, base) = try keyed("MISTRAL")
            return MistralEmbeddings(apiKey: key, baseURL: base ?? MistralEmbeddings.defaultBaseURL, transport: transport)
        case "cohere":
            let (key, base) = try keyed("COHERE")
            return CohereEmbeddings(apiKey: key, baseURL: base ?? CohereEmbeddings.defaultBaseURL, transport: transport)
        case "aws_bedrock", "bedrock":
            guard let keyID = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
                let missing = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].filter { environment[$0] == nil }
                throw embeddingsNotConfigured(request, hint: "set \(missing.joined(separator: " and "))")
            }
            let signer = SigV4Signer(
                accessKeyID: keyID, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"],
                region: environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? BedrockProvider.defaultRegion,
                service: "bedrock")
            return BedrockProvider(signer: signer, baseURL: environment["AWS_BEDROCK_BASE_URL"], transport: transport)
        case "anthropic":
            throw LLMError(
                message: "Anthropic has no embeddings API: use openai, google_gemini, ollama, mistral, cohere or aws_bedrock "
                    + "as embeddingModelProvider", retryable: false)
        default:
            let prefix = Self.variablePrefix(for: name)
            let key = environment["\(prefix)_API_KEY"]
            if let base = environment["\(prefix)_BASE_URL"] {
                return OpenAIProvider(apiKey: key, baseURL: base, transport: transport)
            }
            if let key, let known = Self.knownCompatibleBaseURLs[name] {
                return OpenAIProvider(apiKey: key, baseURL: known, transport: transport)
            }
            throw embeddingsNotConfigured(
                request, hint: "set \(prefix)_BASE_URL (an OpenAI-compatible endpoint) and \(prefix)_API_KEY")
        }
    }

    private func embeddingsNotConfigured(_ request: EmbeddingRequest, hint: String) -> LLMError {
        LLMError(
            message: "no embedding provider configured for \"\(request.qualifiedModel)\": \(hint), "
                + "or start the server with --llm-cassette FILE",
            retryable: false)
    }
}
