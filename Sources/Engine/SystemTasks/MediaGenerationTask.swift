import Foundation
import Workflow

/// Stores generated files and answers the URL each is served at (``WorkflowEngine/storeMedia(_:for:)``).
typealias MediaSink = @Sendable ([GeneratedMedia]) async throws -> [StoredMediaReference]

/// A file a media task stored: where the server serves it.
struct StoredMediaReference: Sendable, Hashable {
    var id: String
    /// `/api/media/{id}`.
    var location: String
    var mimeType: String
    var sizeBytes: Int
}

/// What GENERATE_IMAGE, GENERATE_AUDIO and GENERATE_VIDEO share: reading Conductor's inputs into a
/// ``MediaRequest``, storing what came back, and the output Conductor's media tasks give.
enum MediaGenerationTask {
    /// The engine-run media task types.
    static let types: Set<String> = ["GENERATE_IMAGE", "GENERATE_AUDIO", "GENERATE_VIDEO", "GENERATE_PDF"]

    /// Inputs that are not provider options.
    private static let plumbing: Set<String> = ["llmProvider", "model", "prompt", "text", "integrationName", "integrationNames", "__agentspan_ctx__", "_agent_state", "method"]

    /// The request a task's inputs describe. `model` may be `provider/model` when `llmProvider` is absent.
    static func request(_ kind: MediaRequest.Kind, _ input: [String: JSONValue]) throws -> MediaRequest {
        var provider = input["llmProvider"]?.stringValue ?? input["integrationName"]?.stringValue ?? ""
        var model = input["model"]?.stringValue ?? ""
        if provider.isEmpty, let slash = model.firstIndex(of: "/") {
            provider = String(model[..<slash])
            model = String(model[model.index(after: slash)...])
        }
        let promptKeys = kind == .audio ? ["text", "prompt", "input"] : ["prompt", "text", "description"]
        let prompt = promptKeys.lazy.compactMap { input[$0]?.stringValue }.first { !$0.isEmpty } ?? ""
        guard !provider.isEmpty, !model.isEmpty else {
            throw LLMError(
                message: "\(kind.taskType) needs 'llmProvider' and 'model' (in the tool's config, e.g. llmProvider: openai, "
                    + "model: \(kind == .image ? "dall-e-3" : kind == .audio ? "tts-1" : "sora-2"))")
        }
        guard !prompt.isEmpty else {
            throw LLMError(message: "\(kind.taskType) needs a non-empty '\(promptKeys[0])' input")
        }
        return MediaRequest(
            kind: kind, provider: provider, model: model, prompt: prompt,
            options: input.filter { !plumbing.contains($0.key) })
    }

    /// Runs a generation and stores its files.
    static func run(
        _ kind: MediaRequest.Kind, _ input: [String: JSONValue], provider: any LLMProvider, store: MediaSink
    ) async -> EngineTaskOutcome {
        do {
            let request = try request(kind, input)
            let response = try await provider.generate(request)
            guard !response.media.isEmpty else {
                throw LLMError(message: "\(request.qualifiedModel): the provider returned no \(kind.noun)")
            }
            let stored = try await store(response.media)
            var output = self.output(stored)
            output["promptTokens"] = .int(response.promptTokens)
            output["completionTokens"] = .int(response.completionTokens)
            output["tokenUsed"] = .int(response.promptTokens + response.completionTokens)
            if let revised = response.revisedPrompt { output["revisedPrompt"] = .string(revised) }
            return EngineTaskOutcome(status: .completed, output: output, reason: nil)
        } catch {
            return failure(error)
        }
    }

    /// Conductor's media task output: `media: [{location, mimeType}]` (plus `sizeBytes` and `id`), `result` the
    /// first file as `{location, mimeType, sizeBytes}`, `finishReason: COMPLETED`.
    static func output(_ stored: [StoredMediaReference]) -> [String: JSONValue] {
        let media: [JSONValue] = stored.map { item in
            [
                "id": .string(item.id), "location": .string(item.location), "mimeType": .string(item.mimeType),
                "sizeBytes": .int(item.sizeBytes),
            ]
        }
        var result: JSONValue = .null
        if let first = stored.first {
            result = [
                "location": .string(first.location), "mimeType": .string(first.mimeType),
                "sizeBytes": .int(first.sizeBytes),
            ]
        }
        return ["media": .array(media), "result": result, "finishReason": "COMPLETED"]
    }

    /// A provider's failure as the task's: retryable ones are retried by the task's policy, the rest are terminal.
    static func failure(_ error: any Error) -> EngineTaskOutcome {
        if let error = error as? LLMError {
            return EngineTaskOutcome(
                status: error.retryable ? .failed : .failedWithTerminalError, output: ["error": .string(error.message)],
                reason: error.message)
        }
        let text = (error as? EngineError)?.description ?? "\(error)"
        return EngineTaskOutcome(status: .failed, output: ["error": .string(text)], reason: text)
    }
}
