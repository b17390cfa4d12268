import Testing
import Workflow

@testable import Engine

@Suite("OllamaProvider")
struct OllamaProviderTests {
    @Test("sends native /api/chat with object arguments and tool results; parses tool calls back with unique ids")
    func toolRoundTrip() async throws {
        let answer: JSONValue = [
            "model": "qwen3", "done": true, "done_reason": "stop",
            "message": [
                "role": "assistant", "content": "", "thinking": "Need logs.",
                "tool_calls": [
                    ["function": ["name": "get_recent_logs", "arguments": ["service_name": "payments", "lines": 20]]],
                    ["function": ["name": "get_recent_logs", "arguments": ["service_name": "database"]]],
                ],
            ],
            "prompt_eval_count": 80, "eval_count": 12,
        ]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = OllamaProvider(host: base)
            let request = ChatRequest(
                provider: "ollama", model: "qwen3", messages: toolLoopRequestMessages, tools: [checkServiceTool],
                temperature: 0, maxTokens: 256, jsonOutput: true)
            return (try await provider.complete(request), await server.received)
        }

        #expect(received.count == 1)
        #expect(received[0].path == "/api/chat")
        let expected: JSONValue = [
            "model": "qwen3",
            "stream": false,
            "format": "json",
            "options": ["temperature": 0, "num_predict": 256],
            "messages": [
                ["role": "system", "content": "You are an operations agent."],
                ["role": "user", "content": "The payments service is throwing 503s."],
                [
                    "role": "assistant", "content": "Checking health first.",
                    "tool_calls": [["function": ["name": "check_service", "arguments": ["service_name": "payments"]]]],
                ],
                ["role": "tool", "content": "{\"status\":\"unhealthy\"}", "tool_name": "check_service"],
            ],
            "tools": [
                [
                    "type": "function",
                    "function": [
                        "name": "check_service", "description": "Check the health of a service.",
                        "parameters": [
                            "type": "object", "properties": ["service_name": ["type": "string"]],
                            "required": ["service_name"],
                        ],
                    ],
                ]
            ],
        ]
        #expect(received[0].body == expected)

        // Ollama says "stop" beside tool calls; the agent loop must still see TOOL_CALLS.
        #expect(response.finishReason == "TOOL_CALLS")
        #expect(response.reasoning == "Need logs.")
        #expect(response.promptTokens == 80)
        #expect(response.completionTokens == 12)
        #expect(response.toolCalls.map(\.name) == ["get_recent_logs", "get_recent_logs"])
        #expect(response.toolCalls[0].arguments == ["service_name": "payments", "lines": 20])
        #expect(response.toolCalls[1].arguments == ["service_name": "database"])
        #expect(Set(response.toolCalls.map(\.id)).count == 2)
        #expect(response.toolCalls.allSatisfy { $0.id.hasPrefix("call_") })
    }

    @Test("a model Ollama does not have is a non-retryable error with Ollama's message")
    func missingModel() async throws {
        let reply = ProviderTestServer.Reply.json(
            ["error": "model \"nope\" not found, try pulling it first"], status: 404)
        let error = try await ProviderTestServer.with([reply]) { _, base in
            await #expect(throws: LLMError.self) {
                try await OllamaProvider(host: base).complete(
                    ChatRequest(provider: "ollama", model: "nope", messages: [ChatMessage(role: .user, content: "hi")]))
            }
        }
        #expect(error?.retryable == false)
        #expect(error?.message == "ollama/nope: HTTP 404: model \"nope\" not found, try pulling it first")
    }

    @Test("OLLAMA_HOST without a scheme means http")
    func hostWithoutScheme() {
        #expect(OllamaProvider.normalizedHost("127.0.0.1:11434") == "http://127.0.0.1:11434")
        #expect(OllamaProvider.normalizedHost("https://ollama.example") == "https://ollama.example")
    }
}
