import Foundation
import Workflow

/// A task input that cannot be used: a terminal failure naming the field.
struct RAGInputError: Error, CustomStringConvertible {
    var description: String
}

/// The inputs the embedding and vector tasks share (Conductor's `LLMWorkerInput`, `VectorDBInput`, `IndexDocInput`).
struct RAGTaskInput {
    let input: [String: JSONValue]

    init(_ input: [String: JSONValue]) {
        self.input = input
    }

    /// A non-empty string field, or nil.
    func string(_ key: String) -> String? {
        guard let text = input[key]?.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    func required(_ key: String, _ why: String = "") throws -> String {
        guard let value = string(key) else { throw RAGInputError(description: "\(key) is required\(why)") }
        return value
    }

    /// A positive integer field (`12` or `"12"`), or nil when absent.
    func positiveInt(_ key: String, max limit: Int = .max) throws -> Int? {
        guard let value = input[key], value != .null else { return nil }
        guard let number = value.intValue ?? value.stringValue.flatMap({ Int($0) }), number >= 0 else {
            throw RAGInputError(description: "\(key) must be a positive integer, not \(value.jsonText())")
        }
        if number > limit { throw RAGInputError(description: "\(key) must be at most \(limit), not \(number)") }
        return number == 0 ? nil : number
    }

    /// `metadata`: an object (or absent).
    func metadata() throws -> [String: JSONValue] {
        guard let value = input["metadata"], value != .null else { return [:] }
        guard let object = value.objectValue else {
            throw RAGInputError(description: "metadata must be an object, not \(value.jsonText())")
        }
        return object
    }

    /// Provider and model of the embeddings: `embeddingModelProvider` + `embeddingModel` (or `llmProvider` +
    /// `model`), or a `provider/model` string in the model field alone.
    func embeddingModel(providerKey: String = "embeddingModelProvider", modelKey: String = "embeddingModel")
        throws -> (provider: String, model: String)
    {
        let model = string(modelKey) ?? string(modelKey == "model" ? "embeddingModel" : "model")
        var provider = string(providerKey) ?? string(providerKey == "llmProvider" ? "embeddingModelProvider" : "llmProvider")
        guard var model else { throw RAGInputError(description: "\(modelKey) is required (e.g. text-embedding-3-small)") }
        if provider == nil, let slash = model.firstIndex(of: "/") {
            provider = String(model[..<slash])
            model = String(model[model.index(after: slash)...])
        }
        guard let provider, !model.isEmpty else {
            throw RAGInputError(description: "\(providerKey) is required (e.g. openai, ollama, google_gemini, mistral, cohere)")
        }
        return (provider, model)
    }

    /// `embeddings`: a non-empty list of numbers.
    func embeddings() throws -> [Float] {
        guard let value = input["embeddings"], value != .null else { throw RAGInputError(description: "embeddings is required") }
        guard let vector = EmbeddingResponse.vector(value), !vector.isEmpty else {
            throw RAGInputError(description: "embeddings must be a non-empty list of numbers")
        }
        return vector
    }

    /// The collection named by `vectorDB`, `index` and `namespace` (`defaultNamespace` when absent).
    func collection(defaultNamespace: String? = nil) throws -> VectorCollection {
        let index = try required("index", " (the name of the vector index)")
        guard let namespace = string("namespace") ?? defaultNamespace else {
            throw RAGInputError(description: "namespace is required")
        }
        return VectorCollection(vectorDB: string("vectorDB") ?? "default", index: index, namespace: namespace)
    }

    /// `maxResults` (Conductor's default 1), at most 1000.
    func maxResults() throws -> Int {
        try positiveInt("maxResults", max: 1_000) ?? 1
    }
}

/// Runs the body of an embedding or vector task and maps its failures onto task outcomes: bad input and
/// configuration errors end the task for good, transient provider and database failures leave it to its retries.
func ragOutcome(_ body: () async throws -> [String: JSONValue]) async -> EngineTaskOutcome {
    do {
        return EngineTaskOutcome(status: .completed, output: try await body(), reason: nil)
    } catch let error as RAGInputError {
        return EngineTaskOutcome(
            status: .failedWithTerminalError, output: ["error": .string(error.description)], reason: error.description)
    } catch let error as LLMError {
        return EngineTaskOutcome(
            status: error.retryable ? .failed : .failedWithTerminalError, output: ["error": .string(error.message)],
            reason: error.message)
    } catch let error as VectorStoreError {
        return EngineTaskOutcome(
            status: error.retryable ? .failed : .failedWithTerminalError, output: ["error": .string(error.message)],
            reason: error.message)
    } catch {
        return EngineTaskOutcome(status: .failed, output: ["error": .string("\(error)")], reason: "\(error)")
    }
}

/// What the embedding and vector tasks run with.
struct RAGServices: Sendable {
    /// Nil when the engine's LLM provider has no embeddings (the tasks then fail, saying so).
    var embeddings: (any EmbeddingProvider)?
    var stores: VectorStores

    func embed(_ texts: [String], provider: String, model: String, dimensions: Int?, purpose: EmbeddingRequest.Purpose)
        async throws -> EmbeddingResponse
    {
        guard let embeddings else {
            throw LLMError(message: "\(provider)/\(model): this server's LLM provider has no embeddings API")
        }
        // Providers cap the texts of one request (Cohere at 96, Gemini at 100): long documents go in batches.
        var response = EmbeddingResponse(vectors: [])
        for start in stride(from: 0, to: texts.count, by: Self.batchSize) {
            let batch = Array(texts[start..<min(start + Self.batchSize, texts.count)])
            let part = try await embeddings.embed(
                EmbeddingRequest(provider: provider, model: model, texts: batch, dimensions: dimensions, purpose: purpose))
            guard part.vectors.count == batch.count else {
                throw LLMError(
                    message: "\(provider)/\(model): asked for \(batch.count) embedding(s), got \(part.vectors.count)")
            }
            response.vectors += part.vectors
            response.promptTokens += part.promptTokens
        }
        return response
    }

    /// Texts per embedding request.
    static let batchSize = 96
}
