import Workflow

/// Perplexity's Sonar models (`POST https://api.perplexity.ai/chat/completions`): OpenAI's wire without function
/// calling (tools are not sent; the model answers from its web search), and JSON mode as a `json_schema`
/// response format (Perplexity has no `json_object`).
public enum PerplexityProvider {
    /// The provider name in `perplexity/<model>`.
    public static let name = "perplexity"
    public static let defaultBaseURL = "https://api.perplexity.ai"
    /// The key's variable, and the variable that overrides the endpoint.
    public static let keyVariable = "PERPLEXITY_API_KEY"
    public static let baseURLVariable = "PERPLEXITY_BASE_URL"

    /// A chat provider for Perplexity.
    public static func make(apiKey: String?, baseURL: String = defaultBaseURL, transport: LLMTransport = .init()) -> OpenAIProvider {
        var provider = OpenAIProvider(apiKey: apiKey, baseURL: baseURL, transport: transport, keyVariable: keyVariable)
        provider.jsonResponseFormat = ["type": "json_schema", "json_schema": ["schema": ["type": "object"]]]
        provider.sendsTools = false
        return provider
    }
}
