import Foundation
import Workflow

/// Media on Gemini: Imagen models (`imagen-…`) through `:predict`, Gemini image models through `generateContent`
/// with `responseModalities: [TEXT, IMAGE]` (the images come back as `inlineData` parts), and Veo video through
/// `:predictLongRunning`, whose operation is polled until it is done (AI Studio: `GET /v1beta/{operation}`, the
/// video downloaded from its `uri`; Vertex AI: `:fetchPredictOperation`, the video inline as base64).
extension GeminiProvider {
    public func generate(_ request: MediaRequest) async throws -> MediaResponse {
        if request.kind == .video { return try await generateVideo(request) }
        guard request.kind == .image else {
            throw LLMError(
                message: "\(request.qualifiedModel): google_gemini generates images and video here, not speech; use openai (tts-1)")
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

    /// The JSON body of a Veo `:predictLongRunning` request.
    static func veoRequestBody(for request: MediaRequest) -> JSONValue {
        var parameters: [String: JSONValue] = ["sampleCount": .int(request.count)]
        if let seconds = request.int("duration") { parameters["durationSeconds"] = .int(seconds) }
        if let ratio = request.string("aspectRatio") {
            parameters["aspectRatio"] = .string(ratio)
        } else if let width = request.int("width"), let height = request.int("height"), width > 0, height > 0 {
            parameters["aspectRatio"] = width >= height ? "16:9" : "9:16"
        }
        for key in ["negativePrompt", "personGeneration", "resolution"] {
            if let value = request.string(key) { parameters[key] = .string(value) }
        }
        if let audio = request.options["generateAudio"]?.boolValue { parameters["generateAudio"] = .bool(audio) }
        return ["instances": [["prompt": .string(request.prompt)]], "parameters": .object(parameters)]
    }

    private func generateVideo(_ request: MediaRequest) async throws -> MediaResponse {
        let label = request.qualifiedModel
        let target = endpoint(model: request.model, method: "predictLongRunning")
        var operation = try await transport.postJSON(
            url: target.url, headers: target.headers, body: Self.veoRequestBody(for: request), label: label,
            keyVariable: target.keyVariable)
        guard let name = operation["name"].stringValue, !name.isEmpty else {
            throw LLMError(message: "\(label): the video operation has no name: \(operation.jsonText().prefix(300))")
        }
        let started = ContinuousClock.now
        while operation["done"].boolValue != true {
            if ContinuousClock.now - started > videoDeadline {
                throw LLMError(message: "\(label): video operation \(name) did not finish within \(videoDeadline)")
            }
            try await Task.sleep(for: videoPollInterval)
            switch backend {
            case .aiStudio(_, let base):
                let payload = try await transport.request(
                    method: .GET, url: LLMTransport.join(base, "v1beta/\(name)"),
                    headers: [("Accept", "application/json")] + target.headers, body: nil, label: label,
                    keyVariable: target.keyVariable)
                operation = try LLMTransport.json(payload.data, label: label)
            case .vertex:
                let poll = endpoint(model: request.model, method: "fetchPredictOperation")
                operation = try await transport.postJSON(
                    url: poll.url, headers: poll.headers, body: ["operationName": .string(name)], label: label,
                    keyVariable: poll.keyVariable)
            }
        }
        if let message = operation["error"]["message"].stringValue {
            throw LLMError(message: "\(label): video operation \(name) failed: \(message)")
        }
        var media: [GeneratedMedia] = []
        for sample in operation["response"]["generateVideoResponse"]["generatedSamples"].arrayValue ?? [] {
            guard let uri = sample["video"]["uri"].stringValue else { continue }
            let payload = try await transport.request(
                method: .GET, url: uri, headers: target.headers, body: nil, label: label, keyVariable: target.keyVariable)
            media.append(GeneratedMedia(data: payload.data, mimeType: MediaFormat.mimeType(fromHeader: payload.contentType, fallback: "video/mp4")))
        }
        for video in operation["response"]["videos"].arrayValue ?? [] {
            guard let encoded = video["bytesBase64Encoded"].stringValue, let data = Data(base64Encoded: encoded) else { continue }
            media.append(GeneratedMedia(data: data, mimeType: video["mimeType"].stringValue ?? "video/mp4"))
        }
        guard !media.isEmpty else {
            throw LLMError(message: "\(label): video operation \(name) returned no video (filtered?): \(operation.jsonText().prefix(300))")
        }
        return MediaResponse(media: media)
    }
}
