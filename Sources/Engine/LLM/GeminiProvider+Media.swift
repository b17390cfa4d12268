import Foundation
import Workflow

/// Image generation on Gemini: Imagen models (`imagen-…`) through `:predict`, Gemini image models through
/// `generateContent` with `responseModalities: [TEXT, IMAGE]` (the images come back as `inlineData` parts).
extension GeminiProvider {
    public func generate(_ request: MediaRequest) async throws -> MediaResponse {
        guard request.kind == .image else {
            throw LLMError(
                message: "\(request.qualifiedModel): google_gemini generates images here, not \(request.kind.noun); "
                    + (request.kind == .audio ? "use openai (tts-1) for speech" : "use openai (sora-2) for video"))
        }
        if request.model.lowercased().hasPrefix("imagen") {
            return try await predictImages(request)
        }
        let target = endpoint(model: request.model, method: "generateContent")
        let body: JSONValue = [
            "contents": [["role": "user", "parts": [["text": .string(request.prompt)]]]],
            "generationConfig": ["responseModalities": ["TEXT", "IMAGE"]],
        ]
        let json = try await transport.postJSON(
            url: target.url, headers: target.headers, body: body, label: request.qualifiedModel,
            keyVariable: target.keyVariable)
        let parts = json["candidates"].arrayValue?.first?["content"]["parts"].arrayValue ?? []
        let media = parts.compactMap { part -> GeneratedMedia? in
            let inline = part["inlineData"]
            guard let encoded = inline["data"].stringValue, let data = Data(base64Encoded: encoded) else { return nil }
            return GeneratedMedia(data: data, mimeType: inline["mimeType"].stringValue ?? "image/png")
        }
        guard !media.isEmpty else {
            throw LLMError(message: "\(request.qualifiedModel): the answer holds no image: \(json.jsonText().prefix(300))")
        }
        return MediaResponse(
            media: media, promptTokens: json["usageMetadata"]["promptTokenCount"].intValue ?? 0,
            completionTokens: json["usageMetadata"]["candidatesTokenCount"].intValue ?? 0)
    }

    /// The JSON body of an Imagen `:predict` request.
    static func imagenRequestBody(for request: MediaRequest) -> JSONValue {
        var parameters: [String: JSONValue] = ["sampleCount": .int(request.count)]
        if let ratio = request.string("aspectRatio") { parameters["aspectRatio"] = .string(ratio) }
        if let format = request.string("outputFormat") {
            parameters["outputOptions"] = ["mimeType": .string(MediaFormat.imageMimeType(format))]
        }
        return ["instances": [["prompt": .string(request.prompt)]], "parameters": .object(parameters)]
    }

    private func predictImages(_ request: MediaRequest) async throws -> MediaResponse {
        let target = endpoint(model: request.model, method: "predict")
        let json = try await transport.postJSON(
            url: target.url, headers: target.headers, body: Self.imagenRequestBody(for: request),
            label: request.qualifiedModel, keyVariable: target.keyVariable)
        let media = (json["predictions"].arrayValue ?? []).compactMap { prediction -> GeneratedMedia? in
            guard let encoded = prediction["bytesBase64Encoded"].stringValue, let data = Data(base64Encoded: encoded) else {
                return nil
            }
            return GeneratedMedia(data: data, mimeType: prediction["mimeType"].stringValue ?? "image/png")
        }
        guard !media.isEmpty else {
            throw LLMError(
                message: "\(request.qualifiedModel): no image came back (filtered by safety settings?): \(json.jsonText().prefix(300))")
        }
        return MediaResponse(media: media)
    }
}
