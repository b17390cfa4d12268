import Testing
import Workflow

@testable import Engine

@Suite("ProviderRouter")
struct ProviderRouterTests {
    static let openAIAnswer: JSONValue = ["choices": [["finish_reason": "stop", "message": ["content": "routed"]]]]

    func ask(_ router: ProviderRouter, _ qualified: String, baseURL: String? = nil) async throws -> ChatResponse {
        let parts = qualified.split(separator: "/", maxSplits: 1).map(String.init)
        return try await router.complete(
            ChatRequest(
                provider: parts[0], model: parts[1], messages: [ChatMessage(role: .user, content: "hi")],
                baseURL: baseURL))
    }

    @Test(
        "an unconfigured provider fails at once, naming the variable to set",
        arguments: [
            (
                "openai/gpt-4o",
                "no LLM provider configured for \"openai/gpt-4o\": set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server), or start the server with --llm-cassette FILE"
            ),
            (
                "anthropic/claude-sonnet-4",
                "no LLM provider configured for \"anthropic/claude-sonnet-4\": set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a compatible server), or start the server with --llm-cassette FILE"
            ),
            (
                "groq/llama-3.3-70b",
                "no LLM provider configured for \"groq/llama-3.3-70b\": set GROQ_API_KEY (and GROQ_BASE_URL for a compatible server), or start the server with --llm-cassette FILE"
            ),
            (
                "my-vllm/qwen",
                "no LLM provider configured for \"my-vllm/qwen\": set MY_VLLM_BASE_URL (an OpenAI-compatible endpoint) and MY_VLLM_API_KEY, or start the server with --llm-cassette FILE"
            ),
        ])
    func notConfigured(model: String, message: String) async throws {
        // Only unrelated or empty variables are present.
        let router = ProviderRouter(environment: ["PATH": "/usr/bin", "OPENAI_API_KEY": ""])
        let error = await #expect(throws: LLMError.self) { try await ask(router, model) }
        #expect(error?.message == message)
        #expect(error?.retryable == false)
    }

    @Test("openai uses OPENAI_API_KEY and OPENAI_BASE_URL")
    func openAIFromEnvironment() async throws {
        let received = try await ProviderTestServer.with([.json(Self.openAIAnswer)]) { server, base in
            let router = ProviderRouter(environment: ["OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": base + "/v1"])
            let answer = try await ask(router, "openai/gpt-4o")
            #expect(answer.text == "routed")
            return await server.received
        }
        #expect(received.map(\.path) == ["/v1/chat/completions"])
        #expect(received.first?.headers["authorization"] == "Bearer sk-env")
    }

    @Test("any other provider P is OpenAI-compatible through P_API_KEY and P_BASE_URL")
    func compatibleProvider() async throws {
        let received = try await ProviderTestServer.with([.json(Self.openAIAnswer)]) { server, base in
            let router = ProviderRouter(environment: ["TOGETHER_API_KEY": "tk", "TOGETHER_BASE_URL": base + "/v1"])
            let answer = try await ask(router, "together/meta-llama/Llama-3-70b")
            #expect(answer.text == "routed")
            return await server.received
        }
        #expect(received.first?.path == "/v1/chat/completions")
        #expect(received.first?.headers["authorization"] == "Bearer tk")
        #expect(received.first?.body["model"] == "meta-llama/Llama-3-70b")
    }

    @Test("anthropic uses ANTHROPIC_BASE_URL; ollama uses OLLAMA_HOST")
    func anthropicAndOllama() async throws {
        let anthropicAnswer: JSONValue = ["content": [["type": "text", "text": "a"]], "stop_reason": "end_turn"]
        let ollamaAnswer: JSONValue = ["message": ["role": "assistant", "content": "o"], "done_reason": "stop"]
        let received = try await ProviderTestServer.with([.json(anthropicAnswer), .json(ollamaAnswer)]) {
            server, base in
            let router = ProviderRouter(environment: [
                "ANTHROPIC_API_KEY": "ak", "ANTHROPIC_BASE_URL": base, "OLLAMA_HOST": base,
            ])
            let answer = try await ask(router, "anthropic/claude-sonnet-4")
            #expect(answer.text == "a")
            let ollamaAnswer = try await ask(router, "ollama/llama3.2")
            #expect(ollamaAnswer.text == "o")
            return await server.received
        }
        #expect(received.map(\.path) == ["/v1/messages", "/api/chat"])
        #expect(received.first?.headers["x-api-key"] == "ak")
    }

    @Test("ChatRequest.baseURL overrides the environment and configures a keyless provider")
    func requestBaseURL() async throws {
        let received = try await ProviderTestServer.with([.json(Self.openAIAnswer)]) { server, base in
            let router = ProviderRouter(environment: ["OPENAI_BASE_URL": "http://127.0.0.1:1/v1"])
            let answer = try await ask(router, "openai/local-model", baseURL: base + "/agent/v1")
            #expect(answer.text == "routed")
            return await server.received
        }
        #expect(received.map(\.path) == ["/agent/v1/chat/completions"])
        #expect(received.first?.headers["authorization"] == nil)
    }

    @Test("a model without a provider is rejected")
    func invalidModel() async throws {
        let router = ProviderRouter(environment: [:])
        let error = await #expect(throws: LLMError.self) {
            try await router.complete(ChatRequest(provider: "", model: "gpt-4o", messages: []))
        }
        #expect(error?.retryable == false)
        #expect(error?.message.contains("expected provider/model") == true)
    }
}
