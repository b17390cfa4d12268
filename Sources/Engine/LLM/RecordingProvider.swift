import Foundation
import Logging

/// Passes requests to a real provider and records every exchange into a cassette file (`--record-cassette FILE`)
/// that ``CassetteProvider`` can replay.
///
/// Each request belongs to the conversation whose match is exactly its model, first user message (`prompt`) and
/// system text (`system`); a new one is appended when there is none. The answer becomes turn N of that
/// conversation, N being the assistant turns in the request's history: appended when the conversation has N turns,
/// replacing turn N (and dropping the turns after it) when an earlier recording went further. Tool call ids are
/// not recorded (replay gives `call_<turn>_<index>`); usage is recorded when the provider reported it; a finish
/// reason only when it is not the default.
/// The file is rewritten atomically after every exchange. Failed calls are not recorded.
public actor RecordingProvider: LLMProvider {
    /// The cassette being written.
    public nonisolated let file: URL
    let inner: any LLMProvider
    var cassette: Cassette
    private let logger: Logger

    /// - Parameters:
    ///   - inner: the provider that really answers.
    ///   - file: the cassette to extend; created on the first exchange when missing.
    /// - Throws: ``CassetteError`` when `file` exists but is not a valid cassette (it is never overwritten then).
    public init(
        wrapping inner: any LLMProvider, file: URL, logger: Logger = Logger(label: "agentspanc.llm.recording")
    ) throws {
        self.inner = inner
        self.file = file
        self.logger = logger
        if FileManager.default.fileExists(atPath: file.path) {
            self.cassette = try Cassette.load(contentsOf: file)
        } else {
            self.cassette = Cassette()
        }
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let response = try await inner.complete(request)
        try record(request, response)
        return response
    }

    /// Media requests pass through unrecorded (a cassette's `media:` entries are written by hand).
    public func generate(_ request: MediaRequest) async throws -> MediaResponse {
        try await inner.generate(request)
    }

    /// The cassette as recorded so far.
    public var recorded: Cassette { cassette }

    private func record(_ request: ChatRequest, _ response: ChatResponse) throws {
        let system = request.systemText
        let match = Cassette.Match(
            model: request.qualifiedModel, prompt: request.firstUserMessage, system: system.isEmpty ? nil : system)
        let turnIndex = request.assistantTurnCount
        let existing = cassette.conversations.firstIndex { $0.match == match }
        var turns = existing.map { cassette.conversations[$0].turns } ?? []
        guard turnIndex <= turns.count else {
            // Recording started in the middle of a conversation: its earlier turns are unknown.
            logger.warning(
                "not recorded: the request is at turn \(turnIndex) but the cassette holds \(turns.count) turn(s) of its conversation",
                metadata: ["file": "\(file.path)", "model": "\(request.qualifiedModel)"])
            return
        }
        turns.removeSubrange(turnIndex...)
        turns.append(Self.turn(from: response))
        if let existing {
            cassette.conversations[existing].turns = turns
        } else {
            cassette.conversations.append(Cassette.Conversation(match: match, turns: turns))
        }
        try cassette.write(to: file)
    }

    static func turn(from response: ChatResponse) -> Cassette.Turn {
        var turn = Cassette.Turn(
            content: response.text,
            toolCalls: response.toolCalls.map { Cassette.ScriptedToolCall(name: $0.name, arguments: $0.arguments) },
            reasoning: response.reasoning)
        // A provider that reported no usage gets the estimate on replay rather than zeros.
        if response.promptTokens > 0 || response.completionTokens > 0 {
            turn.usage = Cassette.Usage(
                promptTokens: response.promptTokens, completionTokens: response.completionTokens)
        }
        if response.finishReason != turn.effectiveFinishReason {
            turn.finishReason = response.finishReason
        }
        return turn
    }
}
