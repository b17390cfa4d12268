import Foundation
import Workflow

/// Stability AI's Stable Image API (`POST {base}/v2beta/stable-image/generate/{sd3|core|ultra}`, a
/// `multipart/form-data` body, `Authorization: Bearer` from `STABILITY_API_KEY`, `Accept: image/*`): images only.
///
/// `stabilityai/stable-image-core` and `stabilityai/stable-image-ultra` name their endpoints; every other model
/// (`sd3.5-large`, `sd3.5-medium`, …) goes to `sd3` with the model as the `model` field. Inputs read: `prompt`,
/// `outputFormat` (`png` default, `jpeg`/`jpg`, `webp`), `aspectRatio`, `negativePrompt`, `seed`, `style` (a style
/// preset), `n` (one request per image). A JSON answer (base64 `image`) whose `finish_reason` is `CONTENT_FILTERED`
/// is an error.
public struct StabilityProvider: LLMProvider {
    public static let defaultBaseURL = "https://api.stability.ai"

    public var apiKey: String?
    public var baseURL: String
    public var transport: LLMTransport

    public init(apiKey: String?, baseURL: String = StabilityProvider.defaultBaseURL, transport: LLMTransport = .init()) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.transport = transport
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        throw LLMError(
            message: "\(request.qualifiedModel): stabilityai only generates images (GENERATE_IMAGE); pick a chat model "
                + "such as openai/gpt-4o for the agent")
    }

    /// The endpoint path and form fields of a request.
    static func form(for request: MediaRequest) -> (path: String, fields: [(String, String)]) {
        let model = request.model.lowercased()
        let endpoint: String
        var fields: [(String, String)] = [("prompt", request.prompt)]
        switch model {
        case "stable-image-core", "core": endpoint = "core"
        case "stable-image-ultra", "ultra": endpoint = "ultra"
        default:
            endpoint = "sd3"
            fields.append(("model", request.model))
        }
        var format = request.string("outputFormat")?.lowercased() ?? "png"
        if format == "jpg" { format = "jpeg" }
        fields.append(("output_format", format))
        if let ratio = request.string("aspectRatio") { fields.append(("aspect_ratio", ratio)) }
        if let negative = request.string("negativePrompt") { fields.append(("negative_prompt", negative)) }
        if let seed = request.int("seed") { fields.append(("seed", String(seed))) }
        if let style = request.string("style") { fields.append(("style_preset", style)) }
        return ("v2beta/stable-image/generate/\(endpoint)", fields)
    }

    /// A `multipart/form-data` body of text fields, and its content type.
    static func multipart(_ fields: [(String, String)], boundary: String) -> (body: Data, contentType: String) {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    public func generate(_ request: MediaRequest) async throws -> MediaResponse {
        guard request.kind == .image else {
            throw LLMError(message: "\(request.qualifiedModel): stabilityai generates images, not \(request.kind.noun)")
        }
        let (path, fields) = Self.form(for: request)
        let boundary = "agentspanc-" + UUID().uuidString
        let (body, contentType) = Self.multipart(fields, boundary: boundary)
        var headers: [(String, String)] = [("Content-Type", contentType), ("Accept", "image/*")]
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        var media: [GeneratedMedia] = []
        let fallback = MediaFormat.imageMimeType(fields.first { $0.0 == "output_format" }?.1)
        for _ in 0..<request.count {
            let payload = try await transport.request(
                method: .POST, url: LLMTransport.join(baseURL, path), headers: headers, body: body,
                label: request.qualifiedModel, keyVariable: "STABILITY_API_KEY")
            if payload.contentType?.lowercased().hasPrefix("application/json") == true {
                let json = try LLMTransport.json(payload.data, label: request.qualifiedModel)
                guard let encoded = json["image"].stringValue, let data = Data(base64Encoded: encoded) else {
                    throw LLMError(message: "\(request.qualifiedModel): the answer holds no image: \(json.jsonText().prefix(300))")
                }
                if json["finish_reason"].stringValue == "CONTENT_FILTERED" {
                    throw LLMError(message: "\(request.qualifiedModel): the image was withheld by Stability's content filter")
                }
                media.append(GeneratedMedia(data: data, mimeType: fallback))
            } else {
                media.append(
                    GeneratedMedia(data: payload.data, mimeType: MediaFormat.mimeType(fromHeader: payload.contentType, fallback: fallback)))
            }
        }
        return MediaResponse(media: media)
    }
}
