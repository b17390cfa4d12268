import Testing
import Workflow

@testable import Engine

/// Azure OpenAI, Mistral, Grok, Perplexity and Hugging Face: the OpenAI wire with each service's URL, header and
/// variables; and OpenAI's organization header.
@Suite("OpenAI-compatible providers")
struct OpenAICompatibleProviderTests {
    static let answer: JSONValue = [
        "choices": [["finish_reason": "stop", "message": ["content": #"{"ok":true}"#]]],
        "usage": ["prompt_tokens": 12, "completion_tokens": 4],
    ]
    static let tool = ToolSpec(name: "lookup", description: "Look up.", inputSchema: ["type": "object", "properties": ["q": ["type": "string"]]])

    func ask(_ router: ProviderRouter, _ provider: String, _ model: String) async throws -> ChatResponse {
        try await router.complete(
            ChatRequest(
                provider: provider, model: model, messages: [ChatMessage(role: .user, content: "hi")], tools: [Self.tool],
                jsonOutput: true))
    }

    @Test("azure_openai: the deployment URL with api-version, the key in api-key")
    func azure() async throws {
        let received = try await ProviderTestServer.with([.json(Self.answer)]) { server, base in
            let router = ProviderRouter(environment: [
                "AZURE_OPENAI_API_KEY": "az-key", "AZURE_OPENAI_ENDPOINT": base, "AZURE_OPENAI_DEPLOYMENT": "prod-4o",
            ])
            let response = try await ask(router, "azure_openai", "gpt-4o")
            #expect(response.promptTokens == 12)
            return await server.received
        }
        #expect(received.first?.path == "/openai/deployments/prod-4o/chat/completions")
        #expect(received.first?.query == "api-version=2024-10-21")
        #expect(received.first?.headers["api-key"] == "az-key")
        #expect(received.first?.headers["authorization"] == nil)
        #expect(received.first?.body["response_format"] == ["type": "json_object"])
        #expect(received.first?.body["tools"].arrayValue?.first?["function"]["name"] == "lookup")
    }

    @Test("azure_openai without a deployment uses the model name; a refused key names AZURE_OPENAI_API_KEY")
    func azureDefaultsAndErrors() async throws {
        let refused = ProviderTestServer.Reply.json(
            ["error": ["code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."]], status: 401)
        try await ProviderTestServer.with([refused]) { server, base in
            let router = ProviderRouter(environment: [
                "AZURE_OPENAI_API_KEY": "bad", "AZURE_OPENAI_ENDPOINT": base, "AZURE_OPENAI_API_VERSION": "2025-01-01-preview",
            ])
            let error = await #expect(throws: LLMError.self) { try await ask(router, "azure_openai", "gpt-4o") }
            #expect(error?.retryable == false)
            #expect(error?.message.contains("AZURE_OPENAI_API_KEY") == true)
            let received = await server.received
            #expect(received.first?.path == "/openai/deployments/gpt-4o/chat/completions")
            #expect(received.first?.query == "api-version=2025-01-01-preview")
        }
    }

    @Test(
        "mistral, grok and hugging_face: their key as a bearer token at their base URL",
        arguments: [
            ("mistral", "mistral-large-latest", "MISTRAL_API_KEY", "MISTRAL_BASE_URL"),
            ("grok", "grok-3", "XAI_API_KEY", "XAI_BASE_URL"),
            ("hugging_face", "meta-llama/Llama-3-70b-chat-hf", "HUGGINGFACE_API_KEY", "HUGGINGFACE_BASE_URL"),
        ])
    func bearerServices(provider: String, model: String, key: String, baseVariable: String) async throws {
        let received = try await ProviderTestServer.with([.json(Self.answer)]) { server, base in
            let router = ProviderRouter(environment: [key: "secret-\(provider)", baseVariable: base + "/v1"])
            _ = try await ask(router, provider, model)
            return await server.received
        }
        #expect(received.first?.path == "/v1/chat/completions")
        #expect(received.first?.headers["authorization"] == "Bearer secret-\(provider)")
        #expect(received.first?.body["model"] == .string(model))
        #expect(received.first?.body["tools"].arrayValue?.first?["function"]["name"] == "lookup")
        #expect(received.first?.body["response_format"] == ["type": "json_object"])
    }

    @Test("perplexity: no tools on the wire, JSON mode as a json_schema response format")
    func perplexity() async throws {
        let received = try await ProviderTestServer.with([.json(Self.answer)]) { server, base in
            let router = ProviderRouter(environment: ["PERPLEXITY_API_KEY": "pplx", "PERPLEXITY_BASE_URL": base])
            _ = try await ask(router, "perplexity", "sonar-pro")
            return await server.received
        }
        #expect(received.first?.path == "/chat/completions")
        #expect(received.first?.headers["authorization"] == "Bearer pplx")
        #expect(received.first?.body["tools"] == .null)
        #expect(received.first?.body["response_format"] == ["type": "json_schema", "json_schema": ["schema": ["type": "object"]]])
    }

    @Test("openai sends OPENAI_ORG_ID as OpenAI-Organization; a 401 names OPENAI_API_KEY")
    func openAIOrganization() async throws {
        let refused = ProviderTestServer.Reply.json(
            ["error": ["message": "Incorrect API key provided: sk-bad.", "type": "invalid_request_error", "code": "invalid_api_key"]],
            status: 401)
        try await ProviderTestServer.with([.json(Self.answer), refused]) { server, base in
            let router = ProviderRouter(environment: ["OPENAI_API_KEY": "sk-1", "OPENAI_ORG_ID": "org-42", "OPENAI_BASE_URL": base])
            _ = try await ask(router, "openai", "gpt-4o")
            #expect(await server.received.first?.headers["openai-organization"] == "org-42")
            let error = await #expect(throws: LLMError.self) { try await ask(router, "openai", "gpt-4o") }
            #expect(
                error?.message
                    == "openai/gpt-4o: HTTP 401: Incorrect API key provided: sk-bad. (the provider refused the credentials in OPENAI_API_KEY)")
        }
    }

    @Test("ollama reads Agentspan's OLLAMA_BASE_URL (OLLAMA_HOST too)")
    func ollamaBaseURL() async throws {
        let answer: JSONValue = ["message": ["role": "assistant", "content": "local"], "done_reason": "stop", "prompt_eval_count": 5, "eval_count": 2]
        let received = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let router = ProviderRouter(environment: ["OLLAMA_BASE_URL": base, "OLLAMA_HOST": "http://127.0.0.1:1"])
            let response = try await router.complete(ChatRequest(provider: "ollama", model: "llama3", messages: [ChatMessage(role: .user, content: "hi")]))
            #expect(response.text == "local")
            #expect(response.promptTokens == 5)
            return await server.received
        }
        #expect(received.map(\.path) == ["/api/chat"])
    }

    @Test(
        "each provider without its variables fails at once naming them",
        arguments: [
            ("google_gemini/gemini-2.0-flash", "set GEMINI_API_KEY (AI Studio), or GOOGLE_CLOUD_PROJECT and GOOGLE_ACCESS_TOKEN for Vertex AI"),
            ("azure_openai/gpt-4o", "set AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT (AZURE_OPENAI_DEPLOYMENT names the deployment)"),
            ("aws_bedrock/anthropic.claude-3-haiku-20240307-v1:0", "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN for temporary credentials, AWS_REGION)"),
            ("mistral/mistral-large-latest", "set MISTRAL_API_KEY (and MISTRAL_BASE_URL for a compatible server)"),
            ("cohere/command-r-plus", "set COHERE_API_KEY (and COHERE_BASE_URL for a compatible server)"),
            ("grok/grok-3", "set XAI_API_KEY (and XAI_BASE_URL for a compatible server)"),
            ("perplexity/sonar", "set PERPLEXITY_API_KEY (and PERPLEXITY_BASE_URL for a compatible server)"),
            ("hugging_face/meta-llama/Llama-3-70b-chat-hf", "set HUGGINGFACE_API_KEY (and HUGGINGFACE_BASE_URL for a compatible server)"),
        ])
    func notConfigured(model: String, hint: String) async throws {
        let router = ProviderRouter(environment: ["PATH": "/usr/bin"])
        let parts = model.split(separator: "/", maxSplits: 1).map(String.init)
        let error = await #expect(throws: LLMError.self) {
            try await router.complete(ChatRequest(provider: parts[0], model: parts[1], messages: []))
        }
        #expect(error?.message == "no LLM provider configured for \"\(model)\": \(hint), or start the server with --llm-cassette FILE")
        #expect(error?.retryable == false)
    }
}
