/// Picks the provider for each request from its `provider` (the part of `provider/model` before the slash), with
/// Agentspan's provider names and environment variables (``ProviderInfo/all``):
///
/// | provider | needs | optional |
/// |---|---|---|
/// | `openai` | `OPENAI_API_KEY` | `OPENAI_ORG_ID`, `OPENAI_BASE_URL` (default `https://api.openai.com/v1`) |
/// | `anthropic` | `ANTHROPIC_API_KEY` | `ANTHROPIC_BASE_URL` |
/// | `google_gemini` | `GEMINI_API_KEY`, or `GOOGLE_CLOUD_PROJECT` + `GOOGLE_ACCESS_TOKEN` (Vertex AI) | `GOOGLE_CLOUD_LOCATION` (us-central1), `GEMINI_BASE_URL`, `GOOGLE_VERTEX_BASE_URL` |
/// | `azure_openai` | `AZURE_OPENAI_API_KEY`, `AZURE_OPENAI_ENDPOINT` | `AZURE_OPENAI_DEPLOYMENT` (default: the model), `AZURE_OPENAI_API_VERSION` |
/// | `aws_bedrock` | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` | `AWS_SESSION_TOKEN`, `AWS_REGION` (us-east-1), `AWS_BEDROCK_BASE_URL` |
/// | `mistral` | `MISTRAL_API_KEY` | `MISTRAL_BASE_URL` |
/// | `cohere` | `COHERE_API_KEY` | `COHERE_BASE_URL` |
/// | `grok` | `XAI_API_KEY` | `XAI_BASE_URL` |
/// | `perplexity` | `PERPLEXITY_API_KEY` | `PERPLEXITY_BASE_URL` |
/// | `hugging_face` | `HUGGINGFACE_API_KEY` | `HUGGINGFACE_BASE_URL` |
/// | `stabilityai` (images) | `STABILITY_API_KEY` | `STABILITY_BASE_URL` |
/// | `ollama` | none | `OLLAMA_BASE_URL` or `OLLAMA_HOST` (default `http://localhost:11434`) |
/// | any other `P` (OpenAI-compatible) | `<P>_API_KEY` | `<P>_BASE_URL` (built-in default for a few well-known hosts) |
///
/// `<P>` is the provider name upper-cased with every non-alphanumeric character turned into `_`
/// (`together` → `TOGETHER_API_KEY`). A key-based provider also counts as configured when a base URL was given
/// explicitly (env or `ChatRequest.baseURL`, for local servers that take no key). Otherwise `complete` throws at
/// once a non-retryable ``LLMError`` naming the variables to set.
public struct ProviderRouter: LLMProvider {
    /// OpenAI-compatible hosts that need only `<P>_API_KEY`.
    public static let knownCompatibleBaseURLs: [String: String] = [
        "groq": "https://api.groq.com/openai/v1",
        "together": "https://api.together.xyz/v1",
        "deepseek": "https://api.deepseek.com/v1",
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

    public func generate(_ request: MediaRequest) async throws -> MediaResponse {
        guard !request.provider.isEmpty, !request.model.isEmpty else {
            throw LLMError(
                message: "\(request.kind.taskType) needs llmProvider and model (e.g. openai and dall-e-3), got \"\(request.qualifiedModel)\"")
        }
        let name = request.provider.lowercased()
        if let info = ProviderInfo.named(name), !info.media.contains(request.kind) {
            let offering = ProviderInfo.all.filter { $0.media.contains(request.kind) }.map(\.name)
            throw LLMError(
                message: "\(request.kind.taskType): provider '\(name)' offers no \(request.kind.noun) here; "
                    + "providers that do: \(offering.joined(separator: ", "))")
        }
        return try await provider(named: name, model: request.model, baseURL: nil, label: request.qualifiedModel)
            .generate(request)
    }

    /// The provider that will serve `request`, or the configuration error it would fail with.
    public func provider(for request: ChatRequest) throws -> any LLMProvider {
        guard !request.provider.isEmpty, !request.model.isEmpty else {
            throw LLMError(
                message: "invalid model \"\(request.qualifiedModel)\": expected provider/model, e.g. openai/gpt-4o")
        }
        return try provider(
            named: request.provider.lowercased(), model: request.model,
            baseURL: request.baseURL.flatMap { $0.isEmpty ? nil : $0 }, label: request.qualifiedModel)
    }

    private func provider(named name: String, model: String, baseURL requestBase: String?, label: String) throws
        -> any LLMProvider
    {
        let env = environment
        func keyed(_ key: String, _ baseVariable: String) throws -> (key: String?, base: String?) {
            let base = requestBase ?? env[baseVariable]
            guard env[key] != nil || base != nil else {
                throw notConfigured(label, hint: "set \(key) (and \(baseVariable) for a compatible server)")
            }
            return (env[key], base)
        }
        switch name {
        case "openai":
            let (key, base) = try keyed("OPENAI_API_KEY", "OPENAI_BASE_URL")
            return OpenAIProvider(
                apiKey: key, baseURL: base ?? OpenAIProvider.defaultBaseURL, transport: transport,
                organization: env["OPENAI_ORG_ID"], keyVariable: "OPENAI_API_KEY")
        case "anthropic":
            let (key, base) = try keyed("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")
            return AnthropicProvider(apiKey: key, baseURL: base ?? AnthropicProvider.defaultBaseURL, transport: transport)
        case "google_gemini":
            if let key = env["GEMINI_API_KEY"] {
                return GeminiProvider(
                    backend: .aiStudio(apiKey: key, baseURL: requestBase ?? env["GEMINI_BASE_URL"] ?? GeminiProvider.defaultBaseURL),
                    transport: transport)
            }
            if let project = env["GOOGLE_CLOUD_PROJECT"], let token = env["GOOGLE_ACCESS_TOKEN"] {
                return GeminiProvider(
                    backend: .vertex(
                        project: project, location: env["GOOGLE_CLOUD_LOCATION"] ?? GeminiProvider.defaultLocation,
                        accessToken: token, baseURL: requestBase ?? env["GOOGLE_VERTEX_BASE_URL"]),
                    transport: transport)
            }
            let vertexHint =
                env["GOOGLE_CLOUD_PROJECT"] != nil
                ? "GOOGLE_CLOUD_PROJECT is set: for Vertex AI also set GOOGLE_ACCESS_TOKEN (e.g. from `gcloud auth print-access-token`)"
                : "or GOOGLE_CLOUD_PROJECT and GOOGLE_ACCESS_TOKEN for Vertex AI"
            throw notConfigured(label, hint: "set GEMINI_API_KEY (AI Studio), \(vertexHint)")
        case "azure_openai":
            let missing = ["AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"].filter { env[$0] == nil }
            guard let endpoint = requestBase ?? env["AZURE_OPENAI_ENDPOINT"], env["AZURE_OPENAI_API_KEY"] != nil else {
                throw notConfigured(
                    label, hint: "set \(missing.joined(separator: " and ")) (AZURE_OPENAI_DEPLOYMENT names the deployment)")
            }
            return AzureOpenAIProvider(
                apiKey: env["AZURE_OPENAI_API_KEY"], endpoint: endpoint, deployment: env["AZURE_OPENAI_DEPLOYMENT"],
                apiVersion: env["AZURE_OPENAI_API_VERSION"] ?? AzureOpenAIProvider.defaultAPIVersion, transport: transport)
        case "aws_bedrock":
            guard let keyID = env["AWS_ACCESS_KEY_ID"], let secret = env["AWS_SECRET_ACCESS_KEY"] else {
                let missing = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].filter { env[$0] == nil }
                throw notConfigured(
                    label, hint: "set \(missing.joined(separator: " and ")) (AWS_SESSION_TOKEN for temporary credentials, AWS_REGION)")
            }
            let signer = SigV4Signer(
                accessKeyID: keyID, secretAccessKey: secret, sessionToken: env["AWS_SESSION_TOKEN"],
                region: env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? BedrockProvider.defaultRegion, service: "bedrock")
            return BedrockProvider(signer: signer, baseURL: requestBase ?? env["AWS_BEDROCK_BASE_URL"], transport: transport)
        case "cohere":
            let (key, base) = try keyed("COHERE_API_KEY", "COHERE_BASE_URL")
            return CohereProvider(apiKey: key, baseURL: base ?? CohereProvider.defaultBaseURL, transport: transport)
        case "stabilityai":
            let (key, base) = try keyed("STABILITY_API_KEY", "STABILITY_BASE_URL")
            return StabilityProvider(apiKey: key, baseURL: base ?? StabilityProvider.defaultBaseURL, transport: transport)
        case MistralProvider.name:
            let (key, base) = try keyed(MistralProvider.keyVariable, MistralProvider.baseURLVariable)
            return MistralProvider.make(apiKey: key, baseURL: base ?? MistralProvider.defaultBaseURL, transport: transport)
        case GrokProvider.name:
            let (key, base) = try keyed(GrokProvider.keyVariable, GrokProvider.baseURLVariable)
            return GrokProvider.make(apiKey: key, baseURL: base ?? GrokProvider.defaultBaseURL, transport: transport)
        case PerplexityProvider.name:
            let (key, base) = try keyed(PerplexityProvider.keyVariable, PerplexityProvider.baseURLVariable)
            return PerplexityProvider.make(apiKey: key, baseURL: base ?? PerplexityProvider.defaultBaseURL, transport: transport)
        case HuggingFaceProvider.name:
            let (key, base) = try keyed(HuggingFaceProvider.keyVariable, HuggingFaceProvider.baseURLVariable)
            return HuggingFaceProvider.make(apiKey: key, baseURL: base ?? HuggingFaceProvider.defaultBaseURL, transport: transport)
        case "ollama":
            return OllamaProvider(
                host: requestBase ?? env["OLLAMA_BASE_URL"] ?? env["OLLAMA_HOST"] ?? OllamaProvider.defaultHost,
                transport: transport)
        default:
            let prefix = Self.variablePrefix(for: name)
            let key = env["\(prefix)_API_KEY"]
            let explicitBase = requestBase ?? env["\(prefix)_BASE_URL"]
            if let explicitBase {
                return OpenAIProvider(apiKey: key, baseURL: explicitBase, transport: transport, keyVariable: "\(prefix)_API_KEY")
            }
            if let key, let known = Self.knownCompatibleBaseURLs[name] {
                return OpenAIProvider(apiKey: key, baseURL: known, transport: transport, keyVariable: "\(prefix)_API_KEY")
            }
            let hint =
                Self.knownCompatibleBaseURLs[name] == nil
                ? "set \(prefix)_BASE_URL (an OpenAI-compatible endpoint) and \(prefix)_API_KEY"
                : "set \(prefix)_API_KEY (and \(prefix)_BASE_URL for a compatible server)"
            throw notConfigured(label, hint: hint)
        }
    }

    /// `together` → `TOGETHER`, `azure-openai` → `AZURE_OPENAI`.
    public static func variablePrefix(for provider: String) -> String {
        String(provider.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// The variables `provider` reads: those of ``ProviderInfo`` for a known one, `<P>_API_KEY` and `<P>_BASE_URL`
    /// otherwise.
    public static func variables(for provider: String) -> [String] {
        if let info = ProviderInfo.named(provider) { return info.variables }
        let prefix = variablePrefix(for: provider)
        return ["\(prefix)_API_KEY", "\(prefix)_BASE_URL"]
    }

    private func notConfigured(_ label: String, hint: String) -> LLMError {
        LLMError(
            message: "no LLM provider configured for \"\(label)\": \(hint), or start the server with --llm-cassette FILE",
            retryable: false)
    }
}
