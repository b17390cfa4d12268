import Testing
import Workflow

@testable import Engine

/// The agent-loop history every wire-format test sends: system, prompt, one assistant tool-call turn, its result.
let toolLoopRequestMessages: [ChatMessage] = [
    ChatMessage(role: .system, content: "You are an operations agent."),
    ChatMessage(role: .user, content: "The payments service is throwing 503s."),
    ChatMessage(
        role: .assistant, content: "Checking health first.",
        toolCalls: [ToolCall(id: "call_1", name: "check_service", arguments: ["service_name": "payments"])]),
    ChatMessage(role: .tool, content: "{\"status\":\"unhealthy\"}", toolCallID: "call_1", toolName: "check_service"),
]

let checkServiceTool = ToolSpec(
    name: "check_service", description: "Check the health of a service.",
    inputSchema: ["type": "object", "properties": ["service_name": ["type": "string"]], "required": ["service_name"]],
    type: "SIMPLE")

/// Fast retries so the tests do not wait.
let quickRetries = RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(5), maxDelay: .milliseconds(20))

@Suite("OpenAIProvider")
struct OpenAIProviderTests {
    @Test("sends tool specs, the assistant tool-call turn and the tool result; parses tool calls back")
    func toolRoundTrip() async throws {
        let answer: JSONValue = [
            "id": "chatcmpl-1",
            "choices": [
                [
                    "index": 0, "finish_reason": "tool_calls",
                    "message": [
                        "role": "assistant", "content": nil, "reasoning_content": "Logs next.",
                        "tool_calls": [
                            [
                                "id": "call_2", "type": "function",
                                "function": [
                                    "name": "get_recent_logs",
                                    "arguments": "{\"service_name\":\"payments\",\"lines\":20}",
                                ],
                            ],
                            [
                                "id": "call_3", "type": "function",
                                "function": ["name": "restart_service", "arguments": "{not json"],
                            ],
                        ],
                    ],
                ]
            ],
            "usage": ["prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160],
        ]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = OpenAIProvider(apiKey: "sk-test", baseURL: base + "/v1")
            let request = ChatRequest(
                provider: "openai", model: "gpt-4o", messages: toolLoopRequestMessages, tools: [checkServiceTool],
                temperature: 0.2, maxTokens: 512)
            return (try await provider.complete(request), await server.received)
        }

        #expect(received.count == 1)
        #expect(received[0].path == "/v1/chat/completions")
        #expect(received[0].headers["authorization"] == "Bearer sk-test")
        let expected: JSONValue = [
            "model": "gpt-4o",
            "messages": [
                ["role": "system", "content": "You are an operations agent."],
                ["role": "user", "content": "The payments service is throwing 503s."],
                [
                    "role": "assistant", "content": "Checking health first.",
                    "tool_calls": [
                        [
                            "id": "call_1", "type": "function",
                            "function": ["name": "check_service", "arguments": "{\"service_name\":\"payments\"}"],
                        ]
                    ],
                ],
                ["role": "tool", "tool_call_id": "call_1", "content": "{\"status\":\"unhealthy\"}"],
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
            "temperature": 0.2,
            "max_tokens": 512,
        ]
        #expect(received[0].body == expected)

        #expect(response.finishReason == "TOOL_CALLS")
        #expect(response.text == "")
        #expect(response.reasoning == "Logs next.")
        #expect(response.promptTokens == 120)
        #expect(response.completionTokens == 40)
        #expect(
            response.toolCalls == [
                ToolCall(id: "call_2", name: "get_recent_logs", arguments: ["service_name": "payments", "lines": 20]),
                ToolCall(id: "call_3", name: "restart_service", arguments: ["_raw": "{not json"]),
            ])
    }

    @Test("reasoning models get max_completion_tokens and no temperature; jsonOutput asks for a JSON object")
    func reasoningModelAndJSON() async throws {
        let answer: JSONValue = [
            "choices": [["finish_reason": "length", "message": ["role": "assistant", "content": "{\"a\":"]]]
        ]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = OpenAIProvider(apiKey: nil, baseURL: "http://unused.invalid")
            let request = ChatRequest(
                provider: "openai", model: "o3-mini", messages: [ChatMessage(role: .user, content: "hi")],
                temperature: 0, maxTokens: 64, jsonOutput: true, baseURL: base)
            return (try await provider.complete(request), await server.received)
        }
        #expect(received.first?.path == "/chat/completions")
        #expect(received.first?.headers["authorization"] == nil)
        #expect(
            received.first?.body == [
                "model": "o3-mini", "messages": [["role": "user", "content": "hi"]], "max_completion_tokens": 64,
                "response_format": ["type": "json_object"],
            ])
        #expect(response.finishReason == "LENGTH")
        #expect(response.text == "{\"a\":")
    }

    @Test(
        "finish reasons map to Conductor's",
        arguments: [
            ("stop", "STOP"), ("tool_calls", "TOOL_CALLS"), ("length", "LENGTH"), ("content_filter", "CONTENT_FILTER"),
        ])
    func finishReasons(wire: String, conductor: String) throws {
        let json: JSONValue = ["choices": [["finish_reason": .string(wire), "message": ["content": "x"]]]]
        #expect(try OpenAIProvider.response(from: json, label: "t").finishReason == conductor)
    }

    @Test("retries 429 (honouring Retry-After) and 500, then succeeds")
    func retriesThenSucceeds() async throws {
        let ok: JSONValue = ["choices": [["finish_reason": "stop", "message": ["content": "fine"]]]]
        let replies: [ProviderTestServer.Reply] = [
            .json(["error": ["message": "slow down"]], status: 429, headers: ["Retry-After": "0.3"]),
            .json(["error": ["message": "boom"]], status: 500),
            .json(ok),
        ]
        let clock = ContinuousClock()
        let start = clock.now
        let (response, count) = try await ProviderTestServer.with(replies) { server, base in
            let provider = OpenAIProvider(apiKey: "k", baseURL: base, transport: LLMTransport(retry: quickRetries))
            let response = try await provider.complete(
                ChatRequest(provider: "openai", model: "gpt-4o", messages: [ChatMessage(role: .user, content: "hi")]))
            return (response, await server.received.count)
        }
        #expect(response.text == "fine")
        #expect(response.finishReason == "STOP")
        #expect(count == 3)
        #expect(clock.now - start >= .milliseconds(300))
    }

    @Test("gives up after the bounded attempts with a retryable error")
    func retriesExhausted() async throws {
        let error = try await ProviderTestServer.with([.json(["error": ["message": "overloaded"]], status: 503)]) {
            server, base in
            let provider = OpenAIProvider(apiKey: "k", baseURL: base, transport: LLMTransport(retry: quickRetries))
            let error = await #expect(throws: LLMError.self) {
                try await provider.complete(
                    ChatRequest(
                        provider: "openai", model: "gpt-4o", messages: [ChatMessage(role: .user, content: "hi")]))
            }
            #expect(await server.received.count == 3)
            return error
        }
        #expect(error?.retryable == true)
        #expect(error?.status == 503)
        #expect(error?.message.contains("overloaded") == true)
    }

    @Test("a 400 fails at once, not retryable, with the provider's message")
    func badRequest() async throws {
        let reply = ProviderTestServer.Reply.json(
            ["error": ["message": "Invalid schema for function 'check_service'", "type": "invalid_request_error"]],
            status: 400)
        let error = try await ProviderTestServer.with([reply]) { server, base in
            let provider = OpenAIProvider(apiKey: "k", baseURL: base, transport: LLMTransport(retry: quickRetries))
            let error = await #expect(throws: LLMError.self) {
                try await provider.complete(
                    ChatRequest(
                        provider: "openai", model: "gpt-4o", messages: [ChatMessage(role: .user, content: "hi")]))
            }
            #expect(await server.received.count == 1)
            return error
        }
        #expect(error?.retryable == false)
        #expect(error?.status == 400)
        #expect(error?.message == "openai/gpt-4o: HTTP 400: Invalid schema for function 'check_service'")
    }

    @Test("connection refused is retried, then reported as retryable")
    func connectionRefused() async throws {
        let provider = OpenAIProvider(
            apiKey: "k", baseURL: "http://127.0.0.1:1",
            transport: LLMTransport(retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(5))))
        let error = await #expect(throws: LLMError.self) {
            try await provider.complete(
                ChatRequest(provider: "openai", model: "gpt-4o", messages: [ChatMessage(role: .user, content: "hi")]))
        }
        #expect(error?.retryable == true)
        #expect(error?.message.contains("after 2 attempts") == true)
    }

    @Test("a per-request timeout bounds a server that answers too late")
    func timeout() async throws {
        // The server answers 20 s late; the 200 ms timeout must fire long before (the bound is loose so a loaded
        // machine cannot make it flaky).
        let late = ProviderTestServer.Reply(status: 200, headers: [:], body: "{}", delay: .seconds(20))
        try await ProviderTestServer.with([late]) { _, base in
            let provider = OpenAIProvider(
                apiKey: "k", baseURL: base,
                transport: LLMTransport(timeout: .milliseconds(200), retry: RetryPolicy(maxAttempts: 1)))
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: LLMError.self) {
                try await provider.complete(
                    ChatRequest(
                        provider: "openai", model: "gpt-4o", messages: [ChatMessage(role: .user, content: "hi")]))
            }
            #expect(error?.retryable == true)
            #expect(error?.message.contains("timed out") == true)
            #expect(clock.now - start < .seconds(10))
        }
    }

    @Test("cancelling the caller aborts the request at once")
    func cancellation() async throws {
        let late = ProviderTestServer.Reply(status: 200, headers: [:], body: "{}", delay: .seconds(20))
        try await ProviderTestServer.with([late]) { _, base in
            let provider = OpenAIProvider(apiKey: "k", baseURL: base)
            let call = Task {
                try await provider.complete(
                    ChatRequest(provider: "openai", model: "gpt-4o", messages: [ChatMessage(role: .user, content: "hi")]))
            }
            let clock = ContinuousClock()
            let start = clock.now
            try await Task.sleep(for: .milliseconds(100))
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            #expect(clock.now - start < .seconds(10), "cancellation must not wait for the 20 s answer")
        }
    }
}
