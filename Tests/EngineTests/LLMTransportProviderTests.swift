import Foundation
import Testing
import Workflow

@testable import Engine

@Suite("LLMTransport and provider setup")
struct LLMTransportProviderTests {
    @Test("exponential backoff with jitter stays within its bounds; Retry-After wins, capped")
    func retryDelays() {
        let policy = RetryPolicy(
            maxAttempts: 6, initialDelay: .milliseconds(100), maxDelay: .milliseconds(350), maxRetryAfter: .seconds(2))
        for _ in 0..<50 {
            let first = policy.delay(afterAttempt: 1)
            #expect(first >= .milliseconds(50) && first <= .milliseconds(100))
            let third = policy.delay(afterAttempt: 3)
            #expect(third >= .milliseconds(175) && third <= .milliseconds(350))
        }
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(1)) == .seconds(1))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(90)) == .seconds(2))
    }

    @Test("Retry-After is read as seconds or as an HTTP date")
    func retryAfterParsing() throws {
        #expect(LLMTransport.parseRetryAfter("7") == .seconds(7))
        #expect(LLMTransport.parseRetryAfter("0.25") == .milliseconds(250))
        #expect(LLMTransport.parseRetryAfter("soon") == nil)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        let date = formatter.string(from: Date().addingTimeInterval(30))
        let parsed = try #require(LLMTransport.parseRetryAfter(date))
        #expect(parsed > .seconds(25) && parsed <= .seconds(31))
    }

    @Test("provider error bodies of each wire format give their message")
    func errorMessages() {
        #expect(LLMTransport.errorMessage(in: Data(#"{"error":{"message":"bad key"}}"#.utf8), reason: "x") == "bad key")
        #expect(
            LLMTransport.errorMessage(in: Data(#"{"error":"model not found"}"#.utf8), reason: "x") == "model not found")
        #expect(LLMTransport.errorMessage(in: Data("upstream down".utf8), reason: "x") == "upstream down")
        #expect(LLMTransport.errorMessage(in: Data(), reason: "Bad Gateway") == "Bad Gateway")
    }

    @Test("tool-call arguments: objects, empty, double-encoded and malformed")
    func toolArguments() {
        #expect(ToolArguments.parse(#"{"a":1}"#) == ["a": 1])
        #expect(ToolArguments.parse("  ") == [:])
        #expect(ToolArguments.parse(#""{\"a\":1}""#) == ["a": 1])
        #expect(ToolArguments.parse("[1,2]") == ["_raw": "[1,2]"])
        #expect(ToolArguments.parse("{oops") == ["_raw": "{oops"])
    }

    @Test("an assistant turn that only calls tools sends null content on the OpenAI wire")
    func openAIToolOnlyTurn() {
        let message = ChatMessage(
            role: .assistant, content: "", toolCalls: [ToolCall(id: "c", name: "t", arguments: [:])])
        #expect(OpenAIProvider.wireMessage(message)["content"] == .null)
        let orphan = ChatMessage(role: .tool, content: "42", toolName: "answer")
        #expect(OpenAIProvider.wireMessage(orphan) == ["role": "user", "content": "Result of answer: 42"])
    }

    @Test("setup: cassette plays, nothing routes, both at once is refused")
    func setup() throws {
        let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "setup-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("conversations:\n  - turns:\n      - content: hi\n".utf8).write(to: file)
        #expect(try LLMProviderSetup.provider(environment: [:], cassette: file) is CassetteProvider)
        #expect(try LLMProviderSetup.provider(environment: [:]) is ProviderRouter)
        #expect(try LLMProviderSetup.provider(environment: [:], recordCassette: file) is RecordingProvider)
        #expect(throws: LLMError.self) {
            try LLMProviderSetup.provider(environment: [:], cassette: file, recordCassette: file)
        }
    }
}
