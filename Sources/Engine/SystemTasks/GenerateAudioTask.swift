import Workflow

/// Conductor's `GENERATE_AUDIO` (speech): `text`, `llmProvider`, `model`, `voice`, `speed`, `responseFormat` (mp3,
/// opus, aac, flac, wav, pcm) → the audio file, stored by the server (OpenAI speech).
enum GenerateAudioTask {
    static func run(_ input: [String: JSONValue], provider: any LLMProvider, store: MediaSink) async -> EngineTaskOutcome {
        await MediaGenerationTask.run(.audio, input, provider: provider, store: store)
    }
}
