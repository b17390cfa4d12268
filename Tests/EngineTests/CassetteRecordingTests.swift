import Foundation
import Testing
import Workflow

@testable import Engine

@Suite("RecordingProvider")
struct CassetteRecordingTests {
    static let answers: [JSONValue] = [
        [
            "choices": [
                [
                    "finish_reason": "tool_calls",
                    "message": [
                        "content": "Checking both.",
                        "tool_calls": [
                            [
                                "id": "call_real_a", "type": "function",
                                "function": ["name": "check_service", "arguments": "{\"service_name\":\"payments\"}"],
                            ],
                            [
                                "id": "call_real_b", "type": "function",
                                "function": ["name": "check_service", "arguments": "{\"service_name\":\"database\"}"],
                            ],
                        ],
                    ],
                ]
            ],
            "usage": ["prompt_tokens": 50, "completion_tokens": 10],
        ],
        [
            "choices": [
                ["finish_reason": "stop", "message": ["content": "Root cause: database.\nRestarted payments."]]
            ],
            "usage": ["prompt_tokens": 90, "completion_tokens": 12],
        ],
    ]

    static let system = ChatMessage(role: .system, content: "You are an operations agent.")
    static let prompt = ChatMessage(role: .user, content: "The payments service is throwing 503s.")

    /// Runs the two-turn agent loop against `provider`, feeding tool results back, and returns both answers.
    func runLoop(_ provider: any LLMProvider) async throws -> [ChatResponse] {
        var messages = [Self.system, Self.prompt]
        let first = try await provider.complete(ChatRequest(provider: "openai", model: "gpt-4o", messages: messages))
        messages.append(ChatMessage(role: .assistant, content: first.text, toolCalls: first.toolCalls))
        for call in first.toolCalls {
            messages.append(
                ChatMessage(role: .tool, content: "{\"status\":\"ok\"}", toolCallID: call.id, toolName: call.name))
        }
        let second = try await provider.complete(ChatRequest(provider: "openai", model: "gpt-4o", messages: messages))
        return [first, second]
    }

    func temporaryFile() -> URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cassette-\(UUID().uuidString).yaml")
    }

    @Test("records real exchanges into a cassette that plays them back")
    func recordThenPlay() async throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }

        let (recorded, received) = try await ProviderTestServer.with(Self.answers.map { .json($0) }) { server, base in
            let recorder = try RecordingProvider(wrapping: OpenAIProvider(apiKey: "k", baseURL: base), file: file)
            return (try await runLoop(recorder), await server.received)
        }
        #expect(recorded[0].toolCalls.map(\.id) == ["call_real_a", "call_real_b"])
        // The second request carries both calls in one assistant turn and one tool message per result.
        let history = try #require(received.last?.body["messages"].arrayValue)
        #expect(history.count == 5)
        #expect(history[2]["tool_calls"].arrayValue?.compactMap { $0["id"].stringValue } == ["call_real_a", "call_real_b"])
        #expect(history[3] == ["role": "tool", "tool_call_id": "call_real_a", "content": "{\"status\":\"ok\"}"])
        #expect(history[4]["tool_call_id"] == "call_real_b")

        let cassette = try Cassette.load(contentsOf: file)
        #expect(cassette.conversations.count == 1)
        #expect(
            cassette.conversations[0].match
                == Cassette.Match(
                    model: "openai/gpt-4o", prompt: "The payments service is throwing 503s.",
                    system: "You are an operations agent."))
        #expect(cassette.conversations[0].turns.count == 2)

        let played = try await runLoop(try CassetteProvider(contentsOf: file))
        #expect(played.map(\.text) == recorded.map(\.text))
        #expect(played.map(\.finishReason) == ["TOOL_CALLS", "STOP"])
        #expect(played.map(\.promptTokens) == [50, 90])
        #expect(played.map(\.completionTokens) == [10, 12])
        #expect(played[0].toolCalls.map(\.name) == ["check_service", "check_service"])
        #expect(played[0].toolCalls.map(\.arguments) == [["service_name": "payments"], ["service_name": "database"]])
        #expect(played[0].toolCalls.map(\.id) == ["call_0_0", "call_0_1"])
    }

    @Test("recording the same prompt again replaces its turns instead of adding a conversation")
    func rerecordReplaces() async throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let replies = (Self.answers + Self.answers).map { ProviderTestServer.Reply.json($0) }
        try await ProviderTestServer.with(replies) { _, base in
            _ = try await runLoop(
                try RecordingProvider(wrapping: OpenAIProvider(apiKey: "k", baseURL: base), file: file))
            // A second server run: the recorder starts from the file on disk.
            _ = try await runLoop(
                try RecordingProvider(wrapping: OpenAIProvider(apiKey: "k", baseURL: base), file: file))
        }
        let cassette = try Cassette.load(contentsOf: file)
        #expect(cassette.conversations.count == 1)
        #expect(cassette.conversations[0].turns.count == 2)
    }

    @Test("a corrupt existing cassette is refused, not overwritten")
    func corruptFileRefused() throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("conversations: [{turns: []}]\n".utf8).write(to: file)
        #expect(throws: CassetteError.self) {
            try RecordingProvider(wrapping: CassetteProvider(cassette: Cassette(), file: "x"), file: file)
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "conversations: [{turns: []}]\n")
    }

    @Test("concurrent exchanges are all recorded into one valid file")
    func concurrentRecording() async throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let inner = CassetteProvider(
            cassette: Cassette(conversations: [Cassette.Conversation(turns: [Cassette.Turn(content: "same answer")])]),
            file: "inner")
        let recorder = try RecordingProvider(wrapping: inner, file: file)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let request = ChatRequest(
                        provider: "openai", model: "gpt-4o", messages: [ChatMessage(role: .user, content: "prompt \(index)")])
                    _ = try await recorder.complete(request)
                }
            }
            try await group.waitForAll()
        }
        let cassette = try Cassette.load(contentsOf: file)
        #expect(Set(cassette.conversations.compactMap(\.match.prompt)) == Set((0..<20).map { "prompt \($0)" }))
        #expect(cassette.conversations.allSatisfy { $0.turns.map(\.content) == ["same answer"] })
    }
}
