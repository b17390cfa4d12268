import Workflow

/// Conductor's `GENERATE_IMAGE`: `prompt`, `llmProvider`, `model`, `n`, `size` or `width`/`height`, `style`,
/// `outputFormat` (png, jpg, webp) → the images, stored by the server (OpenAI images, Gemini/Imagen, Stability).
enum GenerateImageTask {
    static func run(_ input: [String: JSONValue], provider: any LLMProvider, store: MediaSink) async -> EngineTaskOutcome {
        await MediaGenerationTask.run(.image, input, provider: provider, store: store)
    }
}
