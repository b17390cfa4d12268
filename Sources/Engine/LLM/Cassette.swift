import Foundation
import Workflow

/// A file of scripted LLM conversations: what ``CassetteProvider`` plays and ``RecordingProvider`` records.
///
/// ```yaml
/// conversations:
///   - match:                       # every given condition must hold; omitted = any
///       model: openai/gpt-4o       # provider/model of the request (exact)
///       prompt: "payments service" # substring of the first user message
///       system: "operations agent" # substring of the system message(s)
///     turns:                       # turn N answers a request whose history already holds N assistant turns
///       - content: "The payments service is throwing 503s. I should check its health first."
///         toolCalls:
///           - name: check_service
///             arguments: {service_name: payments}
///             # id: call_custom       # optional; default call_<turn>_<index>
///       - content: "Root cause: ..."          # no toolCalls → final answer, finishReason STOP
///         usage: {promptTokens: 120, completionTokens: 40}   # optional; otherwise estimated (chars/4)
///         reasoning: "..."                    # optional
///         finishReason: STOP                  # optional override
/// embeddings:                      # optional: answers of embedding requests (LLM_INDEX_TEXT, LLM_SEARCH_INDEX, …)
///   dimensions: 256                # optional length of the vectors made for texts with no recorded vector
///   vectors:                       # recorded vectors, matched by exact text (and model when given)
///     - model: openai/text-embedding-3-small
///       text: "Refunds are accepted within 30 days."
///       vector: [0.0123, -0.0456, …]
/// ```
///
/// Media tasks (GENERATE_IMAGE, GENERATE_AUDIO, GENERATE_VIDEO) are answered from `media:`, the first entry whose
/// match holds; the file is given inline as `base64:` or `text:`, or as a `file:` path relative to the cassette:
///
/// ```yaml
/// media:
///   - match: {model: openai/dall-e-3, prompt: lighthouse, kind: image}   # every condition optional
///     mimeType: image/png
///     file: lighthouse.png
/// ```
///
/// The first conversation whose conditions all hold answers a request. Unknown keys are errors, reported with
/// file:line:column. An embedding request for a text with no recorded vector gets a hashed bag of words
/// (``Cassette/hashedEmbedding(of:dimensions:)``): deterministic, offline, and close for texts that share words.
public struct Cassette: Sendable, Hashable {
    /// Which requests a conversation answers. A nil condition holds for every request.
    public struct Match: Sendable, Hashable {
        /// `provider/model`, compared exactly.
        public var model: String?
        /// A substring of the first user message.
        public var prompt: String?
        /// A substring of the system text.
        public var system: String?

        public init(model: String? = nil, prompt: String? = nil, system: String? = nil) {
            self.model = model
            self.prompt = prompt
            self.system = system
        }

        /// True when every given condition holds for `request`.
        public func matches(_ request: ChatRequest) -> Bool {
            if let model, model != request.qualifiedModel { return false }
            if let prompt, !request.firstUserMessage.contains(prompt) { return false }
            if let system, !request.systemText.contains(system) { return false }
            return true
        }
    }

    /// A tool call the scripted model makes.
    public struct ScriptedToolCall: Sendable, Hashable {
        /// Fixed call id; nil gives `call_<turn>_<index>`.
        public var id: String?
        public var name: String
        public var arguments: [String: JSONValue]

        public init(id: String? = nil, name: String, arguments: [String: JSONValue] = [:]) {
            self.id = id
            self.name = name
            self.arguments = arguments
        }
    }

    /// Token counts to report instead of the estimate.
    public struct Usage: Sendable, Hashable {
        public var promptTokens: Int
        public var completionTokens: Int

        public init(promptTokens: Int, completionTokens: Int) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
        }
    }

    /// One scripted model answer.
    public struct Turn: Sendable, Hashable {
        public var content: String
        public var toolCalls: [ScriptedToolCall]
        public var usage: Usage?
        public var reasoning: String?
        /// Overrides the default: `TOOL_CALLS` with tool calls, else `STOP`.
        public var finishReason: String?

        public init(
            content: String = "", toolCalls: [ScriptedToolCall] = [], usage: Usage? = nil, reasoning: String? = nil,
            finishReason: String? = nil
        ) {
            self.content = content
            self.toolCalls = toolCalls
            self.usage = usage
            self.reasoning = reasoning
            self.finishReason = finishReason
        }

        /// The finish reason this turn reports.
        public var effectiveFinishReason: String {
            finishReason ?? (toolCalls.isEmpty ? "STOP" : "TOOL_CALLS")
        }
    }

    /// The turns answering the requests one ``Match`` selects.
    public struct Conversation: Sendable, Hashable {
        public var match: Match
        public var turns: [Turn]

        public init(match: Match = Match(), turns: [Turn]) {
            self.match = match
            self.turns = turns
        }
    }

    /// Which media requests (GENERATE_IMAGE, GENERATE_AUDIO, GENERATE_VIDEO) an answer serves.
    public struct MediaMatch: Sendable, Hashable {
        /// `provider/model`, compared exactly.
        public var model: String?
        /// A substring of the prompt (the text to speak, for speech).
        public var prompt: String?
        /// `image`, `audio` or `video`.
        public var kind: MediaRequest.Kind?

        public init(model: String? = nil, prompt: String? = nil, kind: MediaRequest.Kind? = nil) {
            self.model = model
            self.prompt = prompt
            self.kind = kind
        }

        public func matches(_ request: MediaRequest) -> Bool {
            if let model, model != request.qualifiedModel { return false }
            if let prompt, !request.prompt.contains(prompt) { return false }
            if let kind, kind != request.kind { return false }
            return true
        }
    }

    /// One scripted media answer: a file of a MIME type.
    public struct MediaAnswer: Sendable, Hashable {
        public var match: MediaMatch
        public var mimeType: String
        public var data: Data

        public init(match: MediaMatch = MediaMatch(), mimeType: String, data: Data) {
            self.match = match
            self.mimeType = mimeType
            self.data = data
        }
    }

    /// A vector recorded for one text.
    public struct RecordedVector: Sendable, Hashable {
        /// `provider/model` it was made with; nil answers every model.
        public var model: String?
        public var text: String
        public var vector: [Float]

        public init(model: String? = nil, text: String, vector: [Float]) {
            self.model = model
            self.text = text
            self.vector = vector
        }
    }

    /// How embedding requests are answered.
    public struct Embeddings: Sendable, Hashable {
        /// Length of hashed vectors; nil takes the request's `dimensions`, else the length of the model's recorded
        /// vectors, else 256.
        public var dimensions: Int?
        public var vectors: [RecordedVector]

        public init(dimensions: Int? = nil, vectors: [RecordedVector] = []) {
            self.dimensions = dimensions
            self.vectors = vectors
        }

        /// True when nothing is configured (the section is then left out of the YAML).
        public var isEmpty: Bool { dimensions == nil && vectors.isEmpty }
    }

    /// Tried in order; the first whose match holds answers.
    public var conversations: [Conversation]
    /// Media answers, tried in order.
    public var media: [MediaAnswer]
    /// Answers of embedding requests.
    public var embeddings: Embeddings

    public init(conversations: [Conversation] = [], media: [MediaAnswer] = [], embeddings: Embeddings = Embeddings()) {
        self.conversations = conversations
        self.media = media
        self.embeddings = embeddings
    }

    /// Index of the first conversation that answers `request`.
    public func conversationIndex(for request: ChatRequest) -> Int? {
        conversations.firstIndex { $0.match.matches(request) }
    }
}

/// A cassette file that cannot be read, with its position when known.
public struct CassetteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The cassette path.
    public var file: String
    /// 1-based; nil when the problem has no position (missing file, empty document).
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: error: message`, as compilers print it.
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): error: \(message)"
    }
}
