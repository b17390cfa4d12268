/// Picks the provider for each request from its `provider` (the part of `provider/model` before the slash), configured
/// from environment variables:
///
/// | provider | key | endpoint |
/// |---|---|---|
/// | `openai` | `OPENAI_API_KEY` | `OPENAI_BASE_URL` (default `https://api.openai.com/v1`) |
/// | `anthropic` | `ANTHROPIC_API_KEY` | `ANTHROPIC_BASE_URL` (default `https://api.anthropic.com`) |
/// | `ollama` | none | `OLLAMA_HOST` (default `http://localhost:11434`) |
/// | any other `P` (OpenAI-compatible) | `<P>_API_KEY` | `<P>_BASE_URL` (built-in default for a few well-known hosts) |
///
/// `<P>` is the provider name upper-cased with every non-alphanumeric character turned into `_`
/// (`together` → `TOGETHER_API_KEY`). A provider counts as configured when it has a key, or when a base URL was
/// given explicitly (env or `ChatRequest.baseURL`, for local servers that take no key). Otherwise `complete`
/// throws at once a non-retryable ``LLMError`` naming the variable to set.
public struct ProviderRouter: LLMProvider {
    /// OpenAI-compatible hosts that need only `<P>_API_KEY`.
    public static let knownCompatibleBaseURLs: [String: String] = [
        "groq": "https://api.groq.com/openai/v1",
        "together": "https://api.together.xyz/v1",
        "deepseek": "https://api.deepseek.com/v1",
        "mistral": "https://api.mistral.ai/v1",
        "openrouter": "https://openrouter.ai/api/v1",
        "fireworks": "https://api.fireworks.ai/inference/v1",
    ]

    /// The variables read, empty values removed.
    public var environment: [String: String]
    /// Timeout, retries and the HTTP client every routed provider uses.
    public var transport: LLMTransport

    /// - Parameter environment: usually `ProcessInfo.processInfo.environment`; empty values count as unset.
    public init(environment: [String: String], transport: LLMTransport = .init()) {
        self.environment = environment.filter { !$0.value.isEmpty }
        self.transport = transport
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        try await provider(for: request).complete(request)
    }

    /// The provider that will serve `request`, or the configuration error it would fail with.
    public func provider(for request: ChatRequest) throws -> any LLMProvider {
        let name = request.provider.lowercased()
        guard !name.isEmpty, !request.model.isEmpty else {
            throw LLMError(
                message: "invalid model \"\(request.qualifiedModel)\": expected provider/model, e.g. openai/gpt-4o")
        }
        let requestBase = request.baseURL.flatMap { $0.isEmpty ? nil : $0 }
        switch name {
        case "openai":
            let key = environment["OPENAI_API_KEY"]
            let base = requestBase ?? environment["OPENAI_BASE_URL"]
            guard key != nil || base != nil else {
                throw notConfigured(request, hint: "set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)")
            }
            return OpenAIProvider(apiKey: key, baseURL: base ?? OpenAIProvider.defaultBaseURL, transport: transport)
        case "anthropic":
            let key = environment["ANTHROPIC_API_KEY"]
            let base = requestBase ?? environment["ANTHROPIC_BASE_URL"]
            guard key != nil || base != nil else {
                throw notConfigured(
                    request, hint: "set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a compatible server)")
            }
            return AnthropicProvider(
                apiKey: key, baseURL: base ?? AnthropicProvider.defaultBaseURL, transport: transport)
        case "ollama":
            return OllamaProvider(
                host: requestBase ?? environment["OLLAMA_HOST"] ?? OllamaProvider.defaultHost, transport: transport)
        default:
            let prefix = Self.variablePrefix(for: name)
            let key = environment["\(prefix)_API_KEY"]
            let explicitBase = requestBase ?? environment["\(prefix)_BASE_URL"]
            if let explicitBase {
                return OpenAIProvider(apiKey: key, baseURL: explicitBase, transport: transport)
            }
            if let key, let known = Self.knownCompatibleBaseURLs[name] {
                return OpenAIProvider(apiKey: key, baseURL: known, transport: transport)
            }
            let hint =
                Self.knownCompatibleBaseURLs[name] == nil
                ? "set \(prefix)_BASE_URL (an OpenAI-compatible endpoint) and \(prefix)_API_KEY"
                : "set \(prefix)_API_KEY (and \(prefix)_BASE_URL for a compatible server)"
            throw notConfigured(request, hint: hint)
        }
    }

    /// `together` → `TOGETHER`, `azure-openai` → `AZURE_OPENAI`.
    public static func variablePrefix(for provider: String) -> String {
        String(provider.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    private func notConfigured(_ request: ChatRequest, hint: String) -> LLMError {
        LLMError(
            message: "no LLM provider configured for \"\(request.qualifiedModel)\": \(hint), "
                + "or start the server with --llm-cassette FILE",
            retryable: false)
    }
}
