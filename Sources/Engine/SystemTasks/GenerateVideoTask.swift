import Workflow

/// Conductor's `GENERATE_VIDEO`: `prompt`, `llmProvider`, `model`, `duration`, `size` or `width`/`height` → the video,
/// stored by the server (OpenAI Sora, Gemini Veo: the job is polled until it finishes). A provider without video
/// generation fails the task for good, naming the providers that have it.
enum GenerateVideoTask {
    static func run(_ input: [String: JSONValue], provider: any LLMProvider, store: MediaSink) async -> EngineTaskOutcome {
        await MediaGenerationTask.run(.video, input, provider: provider, store: store)
    }
}
