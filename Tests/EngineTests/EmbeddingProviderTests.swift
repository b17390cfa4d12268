import Testing
import Workflow

@testable import Engine

/// Each provider's embeddings wire format, against a loopback server that answers as the provider does.
@Suite("Embedding providers")
struct EmbeddingProviderTests {
    static let texts = ["Refunds are accepted within 30 days.", "Shipping takes 5 days."]

    @Test("OpenAI: POST /v1/embeddings with bearer key, dimensions and float encoding; vectors in index order")
    func openAI() async throws {
        let answer: JSONValue = [
            "object": "list", "model": "text-embedding-3-small",
            "data": [
                ["object": "embedding", "index": 1, "embedding": [0.5, -0.5]],
                ["object": "embedding", "index": 0, "embedding": [0.25, 0.75]],
            ],
            "usage": ["prompt_tokens": 14, "total_tokens": 14],
        ]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = OpenAIProvider(apiKey: "sk-test", baseURL: base + "/v1")
            let request = EmbeddingRequest(
                provider: "openai", model: "text-embedding-3-small", texts: Self.texts, dimensions: 2)
            return (try await provider.embed(request), await server.received)
        }
        #expect(received.count == 1)
        #expect(received[0].path == "/v1/embeddings")
        #expect(received[0].headers["authorization"] == "Bearer sk-test")
        let expected: JSONValue = [
            "model": "text-embedding-3-small", "input": .array(Self.texts.map(JSONValue.string)),
            "encoding_format": "float", "dimensions": 2,
        ]
        #expect(received[0].body == expected)
        #expect(response.vectors == [[0.25, 0.75], [0.5, -0.5]])
        #expect(response.promptTokens == 14)
    }

    @Test("Ollama: POST /api/embed with the texts as input; no key")
    func ollama() async throws {
        let answer: JSONValue = [
            "model": "nomic-embed-text", "embeddings": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "prompt_eval_count": 9,
        ]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            // OLLAMA_HOST style: host:port without a scheme.
            let provider = OllamaProvider(host: String(base.dropFirst("http://".count)))
            let request = EmbeddingRequest(provider: "ollama", model: "nomic-embed-text", texts: Self.texts)
            return (try await provider.embed(request), await server.received)
        }
        #expect(received[0].path == "/api/embed")
        #expect(received[0].headers["authorization"] == nil)
        #expect(received[0].body == ["model": "nomic-embed-text", "input": .array(Self.texts.map(JSONValue.string))])
        #expect(response.vectors == [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
        #expect(response.promptTokens == 9)
    }

    @Test("Gemini: batchEmbedContents with x-goog-api-key, RETRIEVAL_QUERY for queries, outputDimensionality")
    func gemini() async throws {
        let answer: JSONValue = ["embeddings": [["values": [1, 0]]]]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = GeminiEmbeddings(apiKey: "g-key", baseURL: base + "/v1beta")
            let request = EmbeddingRequest(
                provider: "google_gemini", model: "models/text-embedding-004", texts: ["refund policy"], dimensions: 2,
                purpose: .query)
            return (try await provider.embed(request), await server.received)
        }
        #expect(received[0].path == "/v1beta/models/text-embedding-004:batchEmbedContents")
        #expect(received[0].headers["x-goog-api-key"] == "g-key")
        let expected: JSONValue = [
            "requests": [
                [
                    "model": "models/text-embedding-004", "content": ["parts": [["text": "refund policy"]]],
                    "taskType": "RETRIEVAL_QUERY", "outputDimensionality": 2,
                ]
            ]
        ]
        #expect(received[0].body == expected)
        #expect(response.vectors == [[1, 0]])
    }

    @Test("Mistral: POST /v1/embeddings, output_dimension and no encoding_format")
    func mistral() async throws {
        let answer: JSONValue = [
            "data": [["object": "embedding", "index": 0, "embedding": [0.3, 0.4]]], "usage": ["prompt_tokens": 4],
        ]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = MistralEmbeddings(apiKey: "m-key", baseURL: base + "/v1")
            let request = EmbeddingRequest(provider: "mistral", model: "codestral-embed", texts: ["a"], dimensions: 2)
            return (try await provider.embed(request), await server.received)
        }
        #expect(received[0].path == "/v1/embeddings")
        #expect(received[0].headers["authorization"] == "Bearer m-key")
        #expect(received[0].body == ["model": "codestral-embed", "input": ["a"], "output_dimension": 2])
        #expect(response.vectors == [[0.3, 0.4]])
        #expect(response.promptTokens == 4)
    }

    @Test("Cohere: POST /v2/embed with input_type search_document and float embedding_types")
    func cohere() async throws {
        let answer: JSONValue = [
            "id": "e1", "embeddings": ["float": [[0.1, 0.9], [0.9, 0.1]]], "texts": .array(Self.texts.map(JSONValue.string)),
            "meta": ["billed_units": ["input_tokens": 12]],
        ]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = CohereEmbeddings(apiKey: "c-key", baseURL: base)
            let request = EmbeddingRequest(provider: "cohere", model: "embed-v4.0", texts: Self.texts)
            return (try await provider.embed(request), await server.received)
        }
        #expect(received[0].path == "/v2/embed")
        #expect(received[0].headers["authorization"] == "Bearer c-key")
        let expected: JSONValue = [
            "model": "embed-v4.0", "texts": .array(Self.texts.map(JSONValue.string)), "input_type": "search_document",
            "embedding_types": ["float"],
        ]
        #expect(received[0].body == expected)
        #expect(response.vectors == [[0.1, 0.9], [0.9, 0.1]])
        #expect(response.promptTokens == 12)
    }

    @Test("a rejected key is a terminal error carrying the provider's message; a rate limit is retried")
    func errorShapes() async throws {
        let fast = LLMTransport(retry: RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(10)))
        let unauthorized = ProviderTestServer.Reply.json(
            ["error": ["message": "Incorrect API key provided", "type": "invalid_request_error"]], status: 401)
        let failure = try await ProviderTestServer.with([unauthorized]) { _, base in
            await #expect(throws: LLMError.self) {
                try await OpenAIProvider(apiKey: "bad", baseURL: base, transport: fast)
                    .embed(EmbeddingRequest(provider: "openai", model: "m", texts: ["x"]))
            }
            do {
                _ = try await OpenAIProvider(apiKey: "bad", baseURL: base, transport: fast)
                    .embed(EmbeddingRequest(provider: "openai", model: "m", texts: ["x"]))
                return LLMError(message: "no error")
            } catch let error as LLMError { return error }
        }
        #expect(failure.retryable == false)
        #expect(failure.status == 401)
        #expect(failure.message.contains("Incorrect API key provided"))

        let limited = ProviderTestServer.Reply.json(["message": "rate limited"], status: 429, headers: ["Retry-After": "0"])
        let ok = ProviderTestServer.Reply.json(["embeddings": ["float": [[1, 2]]]])
        let (vectors, attempts) = try await ProviderTestServer.with([limited, ok]) { server, base in
            let response = try await CohereEmbeddings(apiKey: "k", baseURL: base, transport: fast)
                .embed(EmbeddingRequest(provider: "cohere", model: "embed-v4.0", texts: ["x"]))
            return (response.vectors, await server.received.count)
        }
        #expect(vectors == [[1, 2]])
        #expect(attempts == 2)
    }

    @Test("an answer with fewer vectors than texts is an error naming the model")
    func countMismatch() async throws {
        let answer: JSONValue = ["embeddings": [[0.1]]]
        try await ProviderTestServer.with([.json(answer)]) { _, base in
            do {
                _ = try await OllamaProvider(host: base)
                    .embed(EmbeddingRequest(provider: "ollama", model: "nomic-embed-text", texts: ["a", "b"]))
                Issue.record("a short answer was accepted")
            } catch let error as LLMError {
                #expect(error.message == "ollama/nomic-embed-text: asked for 2 embedding(s), the provider answered 1")
            }
        }
    }

    @Test("the router picks each provider from the environment and names the variable a missing key needs")
    func routing() throws {
        let router = ProviderRouter(environment: [
            "OPENAI_API_KEY": "o", "GEMINI_API_KEY": "g", "MISTRAL_API_KEY": "m", "COHERE_API_KEY": "c",
            "OLLAMA_HOST": "127.0.0.1:1", "TOGETHER_API_KEY": "t",
        ])
        func provider(_ name: String) throws -> any EmbeddingProvider {
            try router.embeddingProvider(for: EmbeddingRequest(provider: name, model: "m", texts: ["x"]))
        }
        #expect(try provider("openai") is OpenAIProvider)
        #expect(try provider("google_gemini") is GeminiEmbeddings)
        #expect(try provider("mistral") is MistralEmbeddings)
        #expect(try provider("cohere") is CohereEmbeddings)
        #expect(try provider("ollama") is OllamaProvider)
        #expect((try provider("together") as? OpenAIProvider)?.baseURL == "https://api.together.xyz/v1")

        let empty = ProviderRouter(environment: [:])
        for (name, variable) in [("openai", "OPENAI_API_KEY"), ("google_gemini", "GEMINI_API_KEY"), ("cohere", "COHERE_API_KEY")] {
            do {
                _ = try empty.embeddingProvider(for: EmbeddingRequest(provider: name, model: "m", texts: ["x"]))
                Issue.record("\(name) without a key was accepted")
            } catch let error as LLMError {
                #expect(error.message.contains(variable))
                #expect(error.retryable == false)
            }
        }
        #expect(throws: LLMError.self) {
            try empty.embeddingProvider(for: EmbeddingRequest(provider: "anthropic", model: "m", texts: ["x"]))
        }
    }
}
