/// Mistral AI's chat completions (`https://api.mistral.ai/v1`): OpenAI's wire with tools and `response_format: json_object`.
public enum MistralProvider {
    /// The provider name in `mistral/<model>`.
    public static let name = "mistral"
    public static let defaultBaseURL = "https://api.mistral.ai/v1"
    /// The key's variable, and the variable that overrides the endpoint.
    public static let keyVariable = "MISTRAL_API_KEY"
    public static let baseURLVariable = "MISTRAL_BASE_URL"

    /// A chat provider for this service.
    public static func make(apiKey: String?, baseURL: String = defaultBaseURL, transport: LLMTransport = .init()) -> OpenAIProvider {
        OpenAIProvider(apiKey: apiKey, baseURL: baseURL, transport: transport, keyVariable: keyVariable)
    }
}
