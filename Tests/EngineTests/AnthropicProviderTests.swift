import Testing
import Workflow

@testable import Engine

@Suite("AnthropicProvider")
struct AnthropicProviderTests {
    @Test("sends system on top, tool_use and merged tool_result blocks; parses tool_use and thinking back")
    func toolRoundTrip() async throws {
        let answer: JSONValue = [
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4",
            "content": [
                ["type": "thinking", "thinking": "Both look bad.", "signature": "sig"],
                ["type": "text", "text": "Restarting payments."],
                [
                    "type": "tool_use", "id": "toolu_9", "name": "restart_service",
                    "input": ["service_name": "payments"],
                ],
            ],
            "stop_reason": "tool_use",
            "usage": ["input_tokens": 300, "output_tokens": 25],
        ]
        // Two parallel calls answered by two tool results, then a user nudge: one user message on the wire.
        let messages: [ChatMessage] = [
            ChatMessage(role: .system, content: "You are an operations agent."),
            ChatMessage(role: .user, content: "The payments service is throwing 503s."),
            ChatMessage(
                role: .assistant, content: "",
                toolCalls: [
                    ToolCall(id: "toolu_1", name: "check_service", arguments: ["service_name": "payments"]),
                    ToolCall(id: "toolu_2", name: "check_service", arguments: ["service_name": "database"]),
                ]),
            ChatMessage(role: .tool, content: "unhealthy", toolCallID: "toolu_1", toolName: "check_service"),
            ChatMessage(role: .tool, content: "degraded", toolCallID: "toolu_2", toolName: "check_service"),
            ChatMessage(role: .user, content: "Please continue where you left off."),
        ]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = AnthropicProvider(apiKey: "sk-ant", baseURL: base)
            let request = ChatRequest(
                provider: "anthropic", model: "claude-sonnet-4", messages: messages, tools: [checkServiceTool],
                temperature: 0)
            return (try await provider.complete(request), await server.received)
        }

        #expect(received.count == 1)
        #expect(received[0].path == "/v1/messages")
        #expect(received[0].headers["x-api-key"] == "sk-ant")
        #expect(received[0].headers["anthropic-version"] == "2023-06-01")
        let expected: JSONValue = [
            "model": "claude-sonnet-4",
            "system": "You are an operations agent.",
            "max_tokens": 4096,
            "temperature": 0,
            "messages": [
                ["role": "user", "content": [["type": "text", "text": "The payments service is throwing 503s."]]],
                [
                    "role": "assistant",
                    "content": [
                        [
                            "type": "tool_use", "id": "toolu_1", "name": "check_service",
                            "input": ["service_name": "payments"],
                        ],
                        [
                            "type": "tool_use", "id": "toolu_2", "name": "check_service",
                            "input": ["service_name": "database"],
                        ],
                    ],
                ],
                [
                    "role": "user",
                    "content": [
                        ["type": "tool_result", "tool_use_id": "toolu_1", "content": "unhealthy"],
                        ["type": "tool_result", "tool_use_id": "toolu_2", "content": "degraded"],
                        ["type": "text", "text": "Please continue where you left off."],
                    ],
                ],
            ],
            "tools": [
                [
                    "name": "check_service", "description": "Check the health of a service.",
                    "input_schema": [
                        "type": "object", "properties": ["service_name": ["type": "string"]],
                        "required": ["service_name"],
                    ],
                ]
            ],
        ]
        #expect(received[0].body == expected)

        #expect(response.finishReason == "TOOL_CALLS")
        #expect(response.text == "Restarting payments.")
        #expect(response.reasoning == "Both look bad.")
        #expect(response.reasoningBlocks == [["type": "thinking", "thinking": "Both look bad.", "signature": "sig"]])
        #expect(response.promptTokens == 300)
        #expect(response.completionTokens == 25)
        #expect(
            response.toolCalls == [
                ToolCall(id: "toolu_9", name: "restart_service", arguments: ["service_name": "payments"])
            ])
    }

    @Test("a thinking budget enables thinking, lifts max_tokens above it and drops temperature")
    func thinkingBudget() throws {
        let request = ChatRequest(
            provider: "anthropic", model: "claude-sonnet-4", messages: [ChatMessage(role: .user, content: "hi")],
            temperature: 0.5, maxTokens: 1000, thinkingBudgetTokens: 2048)
        let body = AnthropicProvider.requestBody(for: request)
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 2048])
        #expect(body["max_tokens"].intValue == 2048 + 4096)
        #expect(body["temperature"] == .null)
    }

    @Test("a tool-use turn without its thinking blocks is continued without thinking rather than rejected")
    func thinkingWithoutBlocksFallsBack() throws {
        let toolTurn = [
            ChatMessage(role: .user, content: "hi"),
            ChatMessage(role: .assistant, content: "", toolCalls: [ToolCall(id: "t1", name: "x", arguments: [:])]),
            ChatMessage(role: .tool, content: "ok", toolCallID: "t1", toolName: "x"),
        ]
        let request = ChatRequest(
            provider: "anthropic", model: "claude-sonnet-4", messages: toolTurn, temperature: 0.2, maxTokens: 1000,
            thinkingBudgetTokens: 2048)
        let body = AnthropicProvider.requestBody(for: request)
        #expect(body["thinking"] == .null)
        #expect(body["temperature"] == 0.2)
        #expect(body["max_tokens"] == 1000)
    }

    @Test(
        "stop reasons map to Conductor's",
        arguments: [
            ("end_turn", "STOP"), ("tool_use", "TOOL_CALLS"), ("max_tokens", "MAX_TOKENS"),
            ("refusal", "CONTENT_FILTER"),
        ])
    func stopReasons(wire: String, conductor: String) throws {
        let hasTool = wire == "tool_use"
        let content: JSONValue =
            hasTool ? [["type": "tool_use", "id": "t", "name": "x", "input": [:]]] : [["type": "text", "text": "x"]]
        let json: JSONValue = ["content": content, "stop_reason": .string(wire)]
        #expect(try AnthropicProvider.response(from: json, label: "t").finishReason == conductor)
    }

    @Test("an authentication error is not retried and carries Anthropic's message")
    func authenticationError() async throws {
        let reply = ProviderTestServer.Reply.json(
            ["type": "error", "error": ["type": "authentication_error", "message": "invalid x-api-key"]], status: 401)
        let error = try await ProviderTestServer.with([reply]) { server, base in
            let provider = AnthropicProvider(
                apiKey: "wrong", baseURL: base, transport: LLMTransport(retry: quickRetries))
            let error = await #expect(throws: LLMError.self) {
                try await provider.complete(
                    ChatRequest(
                        provider: "anthropic", model: "claude-sonnet-4",
                        messages: [ChatMessage(role: .user, content: "hi")]))
            }
            #expect(await server.received.count == 1)
            return error
        }
        #expect(error?.retryable == false)
        #expect(error?.message == "anthropic/claude-sonnet-4: HTTP 401: invalid x-api-key (the provider refused the credentials in ANTHROPIC_API_KEY)")
    }

    @Test("an overloaded 529 is retried")
    func overloadedIsRetried() async throws {
        let ok: JSONValue = ["content": [["type": "text", "text": "done"]], "stop_reason": "end_turn"]
        let replies: [ProviderTestServer.Reply] = [
            .json(["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]], status: 529),
            .json(ok),
        ]
        let response = try await ProviderTestServer.with(replies) { _, base in
            let provider = AnthropicProvider(apiKey: "k", baseURL: base, transport: LLMTransport(retry: quickRetries))
            return try await provider.complete(
                ChatRequest(
                    provider: "anthropic", model: "claude-sonnet-4", messages: [ChatMessage(role: .user, content: "hi")]
                ))
        }
        #expect(response.text == "done")
        #expect(response.finishReason == "STOP")
    }
}
