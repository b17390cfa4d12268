/// Hugging Face's OpenAI-compatible router (`https://router.huggingface.co/v1`): model ids such as `meta-llama/Llama-3-70b-chat-hf`, tools where the model serves them.
public enum HuggingFaceProvider {
    /// The provider name in `hugging_face/<model>`.
    public static let name = "hugging_face"
    public static let defaultBaseURL = "https://router.huggingface.co/v1"
    /// The key's variable, and the variable that overrides the endpoint.
    public static let keyVariable = "HUGGINGFACE_API_KEY"
    public static let baseURLVariable = "HUGGINGFACE_BASE_URL"

    /// A chat provider for this service.
    public static func make(apiKey: String?, baseURL: String = defaultBaseURL, transport: LLMTransport = .init()) -> OpenAIProvider {
        OpenAIProvider(apiKey: apiKey, baseURL: baseURL, transport: transport, keyVariable: keyVariable)
    }
}
