/// The providers ``ProviderRouter`` knows by name, with the environment variables each reads: what
/// `agentspanc doctor` checks and the documentation lists. Names and variables are Agentspan's (`docs/ai-models.md`).
public struct ProviderInfo: Sendable, Hashable {
    /// The `provider` part of `provider/model` (`google_gemini`).
    public var name: String
    /// A name for people (`Google Gemini`).
    public var title: String
    /// Variables that configure it. ``ProviderRouter/provider(for:)`` says which combination suffices.
    public var variables: [String]
    /// What it does beside chat (`images`, `speech`, `video`).
    public var media: [MediaRequest.Kind]
    /// False for a provider that only generates media (`stabilityai`).
    public var chat: Bool

    public init(name: String, title: String, variables: [String], media: [MediaRequest.Kind] = [], chat: Bool = true) {
        self.name = name
        self.title = title
        self.variables = variables
        self.media = media
        self.chat = chat
    }
}

extension ProviderInfo {
    /// Every provider routed by name; any other name is an OpenAI-compatible server (`<P>_API_KEY`, `<P>_BASE_URL`).
    public static let all: [ProviderInfo] = [
        ProviderInfo(
            name: "openai", title: "OpenAI", variables: ["OPENAI_API_KEY", "OPENAI_ORG_ID", "OPENAI_BASE_URL"],
            media: [.image, .audio, .video]),
        ProviderInfo(name: "anthropic", title: "Anthropic", variables: ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"]),
        ProviderInfo(
            name: "google_gemini", title: "Google Gemini (AI Studio or Vertex AI)",
            variables: [
                "GEMINI_API_KEY", "GEMINI_BASE_URL", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION",
                "GOOGLE_ACCESS_TOKEN", "GOOGLE_VERTEX_BASE_URL",
            ],
            media: [.image, .video]),
        ProviderInfo(
            name: "azure_openai", title: "Azure OpenAI",
            variables: [
                "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_DEPLOYMENT", "AZURE_OPENAI_API_VERSION",
            ]),
        ProviderInfo(
            name: "aws_bedrock", title: "AWS Bedrock (Converse API)",
            variables: [
                "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_BEDROCK_BASE_URL",
            ]),
        ProviderInfo(name: "mistral", title: "Mistral AI", variables: ["MISTRAL_API_KEY", "MISTRAL_BASE_URL"]),
        ProviderInfo(name: "cohere", title: "Cohere (v2 chat)", variables: ["COHERE_API_KEY", "COHERE_BASE_URL"]),
        ProviderInfo(name: "grok", title: "Grok (xAI)", variables: ["XAI_API_KEY", "XAI_BASE_URL"]),
        ProviderInfo(name: "perplexity", title: "Perplexity", variables: ["PERPLEXITY_API_KEY", "PERPLEXITY_BASE_URL"]),
        ProviderInfo(
            name: "hugging_face", title: "Hugging Face (router)", variables: ["HUGGINGFACE_API_KEY", "HUGGINGFACE_BASE_URL"]),
        ProviderInfo(
            name: "stabilityai", title: "Stability AI", variables: ["STABILITY_API_KEY", "STABILITY_BASE_URL"],
            media: [.image], chat: false),
        ProviderInfo(name: "ollama", title: "Ollama", variables: ["OLLAMA_BASE_URL", "OLLAMA_HOST"]),
    ]

    /// The provider called `name` (case-insensitive), nil for an OpenAI-compatible one.
    public static func named(_ name: String) -> ProviderInfo? {
        let lower = name.lowercased()
        return all.first { $0.name == lower }
    }
}
