/// xAI's Grok (`https://api.x.ai/v1`): OpenAI's wire with tools and JSON mode.
public enum GrokProvider {
    /// The provider name in `grok/<model>`.
    public static let name = "grok"
    public static let defaultBaseURL = "https://api.x.ai/v1"
    /// The key's variable, and the variable that overrides the endpoint.
    public static let keyVariable = "XAI_API_KEY"
    public static let baseURLVariable = "XAI_BASE_URL"

    /// A chat provider for this service.
    public static func make(apiKey: String?, baseURL: String = defaultBaseURL, transport: LLMTransport = .init()) -> OpenAIProvider {
        OpenAIProvider(apiKey: apiKey, baseURL: baseURL, transport: transport, keyVariable: keyVariable)
    }
}
