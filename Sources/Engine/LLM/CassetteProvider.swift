import Foundation
import Workflow

/// Answers chat requests from a ``Cassette``: deterministic, offline, and stateless.
///
/// The answer depends on the request alone: the first conversation whose ``Cassette/Match`` holds, and within it
/// turn N where N is the number of assistant messages already in the request's history. So replays survive server
/// restarts and run concurrently without any bookkeeping. Tool call ids are `call_<turn>_<index>` unless the turn
/// fixes them, unique within a conversation. Usage is the turn's own or estimated at four characters a token.
///
/// A request no conversation matches, or one past a conversation's last turn, fails with a non-retryable
/// ``LLMError`` naming the cassette file, the turn and the request's first user message.
public struct CassetteProvider: LLMProvider {
    /// The conversations played.
    public let cassette: Cassette
    /// The file name errors mention.
    public let file: String

    public init(cassette: Cassette, file: String) {
        self.cassette = cassette
        self.file = file
    }

    /// Loads the cassette at `url` (see ``Cassette/load(contentsOf:)`` for the errors).
    public init(contentsOf url: URL) throws {
        self.init(cassette: try Cassette.load(contentsOf: url), file: url.path)
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let turnIndex = request.assistantTurnCount
        let prompt = Self.preview(request.firstUserMessage)
        guard let index = cassette.conversationIndex(for: request) else {
            throw LLMError(
                message: "cassette \(file): no conversation matches the request for \(request.qualifiedModel) "
                    + "at turn \(turnIndex) with first user message \"\(prompt)\"")
        }
        let conversation = cassette.conversations[index]
        guard turnIndex < conversation.turns.count else {
            throw LLMError(
                message: "cassette \(file): conversation \(index + 1) has \(conversation.turns.count) turn(s) but the "
                    + "request for \(request.qualifiedModel) is at turn \(turnIndex) (0-based) with first user message "
                    + "\"\(prompt)\"")
        }
        let turn = conversation.turns[turnIndex]
        let toolCalls = turn.toolCalls.enumerated().map { position, call in
            ToolCall(id: call.id ?? "call_\(turnIndex)_\(position)", name: call.name, arguments: call.arguments)
        }
        let completionCharacters =
            turn.content.count + (turn.reasoning?.count ?? 0)
            + toolCalls.reduce(0) { $0 + $1.name.count + JSONValue.object($1.arguments).jsonText().count }
        return ChatResponse(
            text: turn.content,
            toolCalls: toolCalls,
            finishReason: turn.effectiveFinishReason,
            promptTokens: turn.usage?.promptTokens ?? request.estimatedPromptTokens,
            completionTokens: turn.usage?.completionTokens ?? max(1, completionCharacters / 4),
            reasoning: turn.reasoning)
    }

    /// Answers GENERATE_IMAGE, GENERATE_AUDIO and GENERATE_VIDEO from the cassette's `media:` entries; `n` copies
    /// of the file when the request asks for several.
    public func generate(_ request: MediaRequest) async throws -> MediaResponse {
        guard let answer = cassette.media.first(where: { $0.match.matches(request) }) else {
            throw LLMError(
                message: "cassette \(file): no media entry matches the \(request.kind.rawValue) request for "
                    + "\(request.qualifiedModel) with prompt \"\(Self.preview(request.prompt))\"")
        }
        let item = GeneratedMedia(data: answer.data, mimeType: answer.mimeType)
        return MediaResponse(
            media: Array(repeating: item, count: request.count), promptTokens: max(1, request.prompt.count / 4))
    }

    /// A message on one line, cut to a readable length.
    static func preview(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
