import Foundation
import Testing
import Workflow

@testable import Engine

/// The streaming seed's incident, scripted.
let opsCassetteYAML = """
    conversations:
      - match:
          model: anthropic/claude-sonnet-4
        turns:
          - content: "Anthropic answer."
      - match:
          model: openai/gpt-4o
          prompt: "payments service"
          system: "operations agent"
        turns:
          - content: "The payments service is throwing 503s. I should check its health first."
            toolCalls:
              - name: check_service
                arguments: {service_name: payments}
          - content: "Payments is unhealthy. Logs and the database next."
            toolCalls:
              - name: get_recent_logs
                arguments: {service_name: payments, lines: 20}
              - id: db_check
                name: check_service
                arguments: {service_name: database, verbose: yes, ratio: 0.5, note: "42"}
          - content: |
              Root cause: database pressure.
              Restarted payments.
            usage: {promptTokens: 120, completionTokens: 40}
            reasoning: "Database is degraded."
    """

@Suite("CassetteProvider")
struct CassetteProviderTests {
    let provider: CassetteProvider

    init() throws {
        provider = CassetteProvider(
            cassette: try Cassette.parse(yaml: opsCassetteYAML, file: "ops.yaml"), file: "ops.yaml")
    }

    static let system = ChatMessage(role: .system, content: "You are an operations agent investigating an incident.")
    static let prompt = ChatMessage(
        role: .user, content: "The payments service is throwing 503s. Investigate and fix it.")

    func request(_ history: [ChatMessage], model: String = "gpt-4o", provider: String = "openai") -> ChatRequest {
        ChatRequest(
            provider: provider, model: model, messages: [Self.system, Self.prompt] + history, tools: [checkServiceTool])
    }

    @Test("plays a multi-turn conversation, including parallel tool calls in one turn")
    func multiTurn() async throws {
        let first = try await provider.complete(request([]))
        #expect(first.text == "The payments service is throwing 503s. I should check its health first.")
        #expect(first.finishReason == "TOOL_CALLS")
        #expect(
            first.toolCalls == [
                ToolCall(id: "call_0_0", name: "check_service", arguments: ["service_name": "payments"])
            ])
        #expect(first.promptTokens > 0)
        #expect(first.completionTokens > 0)

        var history: [ChatMessage] = [
            ChatMessage(role: .assistant, content: first.text, toolCalls: first.toolCalls),
            ChatMessage(
                role: .tool, content: "{\"status\":\"unhealthy\"}", toolCallID: "call_0_0", toolName: "check_service"),
        ]
        let second = try await provider.complete(request(history))
        #expect(second.finishReason == "TOOL_CALLS")
        #expect(
            second.toolCalls == [
                ToolCall(
                    id: "call_1_0", name: "get_recent_logs", arguments: ["service_name": "payments", "lines": 20]),
                ToolCall(
                    id: "db_check", name: "check_service",
                    arguments: ["service_name": "database", "verbose": true, "ratio": 0.5, "note": "42"]),
            ])

        history += [ChatMessage(role: .assistant, content: second.text, toolCalls: second.toolCalls)]
        history += second.toolCalls.map {
            ChatMessage(role: .tool, content: "ok", toolCallID: $0.id, toolName: $0.name)
        }
        let third = try await provider.complete(request(history))
        #expect(third.text == "Root cause: database pressure.\nRestarted payments.\n")
        #expect(third.toolCalls.isEmpty)
        #expect(third.finishReason == "STOP")
        #expect(third.promptTokens == 120)
        #expect(third.completionTokens == 40)
        #expect(third.reasoning == "Database is degraded.")

        // Stateless: the same request gets the same answer, from this provider or a fresh one.
        let again = try await CassetteProvider(cassette: provider.cassette, file: "ops.yaml").complete(request(history))
        #expect(again == third)
    }

    @Test("the first conversation whose conditions all hold answers")
    func matchOrder() async throws {
        let anthropic = try await provider.complete(request([], model: "claude-sonnet-4", provider: "anthropic"))
        #expect(anthropic.text == "Anthropic answer.")
        #expect(anthropic.finishReason == "STOP")
    }

    @Test("no matching conversation names the file, the turn and the first user message")
    func noMatch() async throws {
        let other = ChatRequest(
            provider: "openai", model: "gpt-4o",
            messages: [Self.system, ChatMessage(role: .user, content: "Summarise the quarterly report.")])
        let error = await #expect(throws: LLMError.self) { try await provider.complete(other) }
        #expect(error?.retryable == false)
        #expect(
            error?.message
                == "cassette ops.yaml: no conversation matches the request for openai/gpt-4o at turn 0 with first user message \"Summarise the quarterly report.\""
        )
    }

    @Test("running past the last turn is an error naming the turn")
    func pastLastTurn() async throws {
        let history = (0..<3).map { _ in ChatMessage(role: .assistant, content: "…") }
        let error = await #expect(throws: LLMError.self) { try await provider.complete(request(history)) }
        #expect(error?.retryable == false)
        let message = error?.message ?? ""
        #expect(message.contains("cassette ops.yaml"))
        #expect(message.contains("conversation 2 has 3 turn(s)"))
        #expect(message.contains("at turn 3"))
        #expect(message.contains("The payments service is throwing 503s. Investigate and fix it."))
    }

    @Test("the shipped ops-agent cassette plays the streaming seed's incident end to end")
    func shippedOpsCassette() async throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("specs/ops_agent.cassette.yaml")
        let ops = try CassetteProvider(contentsOf: file)
        var history: [ChatMessage] = []
        var calls: [String] = []
        var final: ChatResponse?
        for _ in 0..<10 {
            let response = try await ops.complete(request(history))
            if response.toolCalls.isEmpty {
                final = response
                break
            }
            calls += response.toolCalls.map { "\($0.name)(\($0.arguments["service_name"]?.stringValue ?? ""))" }
            history.append(ChatMessage(role: .assistant, content: response.text, toolCalls: response.toolCalls))
            history += response.toolCalls.map {
                ChatMessage(role: .tool, content: "{}", toolCallID: $0.id, toolName: $0.name)
            }
        }
        #expect(
            calls == [
                "check_service(payments)", "get_recent_logs(payments)", "check_service(database)",
                "get_recent_logs(database)", "restart_service(payments)",
            ])
        #expect(final?.finishReason == "STOP")
        #expect(final?.text.hasPrefix("Root cause: database pressure") == true)
    }
}
