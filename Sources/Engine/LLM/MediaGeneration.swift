import Foundation
import Workflow

/// A request to generate an image, speech or a video (GENERATE_IMAGE, GENERATE_AUDIO, GENERATE_VIDEO).
public struct MediaRequest: Sendable, Hashable {
    /// What to generate.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case image, audio, video
    }

    public var kind: Kind
    /// Provider id (`openai`, `google_gemini`, `stabilityai`, …).
    public var provider: String
    public var model: String
    /// What to draw or film, or the text to speak (GENERATE_AUDIO's `text`).
    public var prompt: String
    /// The task's other inputs as Conductor names them (`n`, `size`, `width`, `height`, `style`, `outputFormat`,
    /// `voice`, `speed`, `responseFormat`, `duration`, …); each provider reads those it understands.
    public var options: [String: JSONValue]

    public init(kind: Kind, provider: String, model: String, prompt: String, options: [String: JSONValue] = [:]) {
        self.kind = kind
        self.provider = provider
        self.model = model
        self.prompt = prompt
        self.options = options
    }

    /// `provider/model`.
    public var qualifiedModel: String { "\(provider)/\(model)" }

    /// An integer option, accepting numbers and numeric strings.
    func int(_ key: String) -> Int? {
        switch options[key] {
        case .int(let value)?: return value
        case .double(let value)?: return value.isFinite ? Int(value) : nil
        case .string(let text)?: return Int(text)
        default: return nil
        }
    }

    /// A non-empty string option.
    func string(_ key: String) -> String? {
        guard let text = options[key]?.stringValue, !text.isEmpty else { return nil }
        return text
    }

    /// How many outputs were asked for (`n`, 1 to 10).
    var count: Int { min(max(int("n") ?? 1, 1), 10) }
}

/// One generated file.
public struct GeneratedMedia: Sendable, Hashable {
    public var data: Data
    /// `image/png`, `audio/mpeg`, `video/mp4`, `application/pdf`, …
    public var mimeType: String

    public init(data: Data, mimeType: String) {
        self.data = data
        self.mimeType = mimeType
    }
}

/// What a media generation returned.
public struct MediaResponse: Sendable, Hashable {
    public var media: [GeneratedMedia]
    public var promptTokens: Int
    public var completionTokens: Int
    /// A provider's own rewording of the prompt (DALL·E 3's `revised_prompt`).
    public var revisedPrompt: String?

    public init(media: [GeneratedMedia], promptTokens: Int = 0, completionTokens: Int = 0, revisedPrompt: String? = nil) {
        self.media = media
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.revisedPrompt = revisedPrompt
    }
}

extension LLMProvider {
    /// Providers without media generation refuse every request, naming what is missing.
    public func generate(_ request: MediaRequest) async throws -> MediaResponse {
        throw LLMError(
            message: "\(request.qualifiedModel): this provider cannot generate \(request.kind.noun)", retryable: false)
    }
}

extension MediaRequest.Kind {
    /// `images`, `speech`, `video`.
    public var noun: String {
        switch self {
        case .image: return "images"
        case .audio: return "speech"
        case .video: return "video"
        }
    }

    /// The Conductor task type.
    public var taskType: String { "GENERATE_\(rawValue.uppercased())" }
}

/// MIME types of the output formats the media APIs name.
enum MediaFormat {
    static func imageMimeType(_ format: String?) -> String {
        switch format?.lowercased() {
        case "jpg"?, "jpeg"?: return "image/jpeg"
        case "webp"?: return "image/webp"
        default: return "image/png"
        }
    }

    static func audioMimeType(_ format: String?) -> String {
        switch format?.lowercased() {
        case "opus"?: return "audio/ogg"
        case "aac"?: return "audio/aac"
        case "flac"?: return "audio/flac"
        case "wav"?: return "audio/wav"
        case "pcm"?: return "audio/L16"
        default: return "audio/mpeg"
        }
    }

    /// A `Content-Type` header without its parameters, or `fallback` when it is missing or generic.
    static func mimeType(fromHeader header: String?, fallback: String) -> String {
        guard let header, let type = header.split(separator: ";").first?.trimmingCharacters(in: .whitespaces),
            !type.isEmpty, type != "application/octet-stream", type != "application/json"
        else { return fallback }
        return type.lowercased()
    }
}
