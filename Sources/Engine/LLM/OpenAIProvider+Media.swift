import Foundation
import NIOHTTP1
import Workflow

/// OpenAI's media APIs: images (`POST /images/generations`), speech (`POST /audio/speech`) and video
/// (`POST /videos`, polled at `GET /videos/{id}` until `completed`, then `GET /videos/{id}/content`).
extension OpenAIProvider {
    public func generate(_ request: MediaRequest) async throws -> MediaResponse {
        switch request.kind {
        case .image: return try await generateImage(request)
        case .audio: return try await generateSpeech(request)
        case .video: return try await generateVideo(request)
        }
    }

    /// The JSON body of an image generation. DALL·E models are asked for base64 (`response_format`); GPT image
    /// models always answer base64 and take `output_format` instead.
    static func imageRequestBody(for request: MediaRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model), "prompt": .string(request.prompt), "n": .int(request.count),
        ]
        if let size = request.string("size") {
            body["size"] = .string(size)
        } else if let width = request.int("width"), let height = request.int("height") {
            body["size"] = .string("\(width)x\(height)")
        }
        if let style = request.string("style") { body["style"] = .string(style) }
        if let quality = request.string("quality") { body["quality"] = .string(quality) }
        if request.model.lowercased().hasPrefix("gpt-image") {
            if let format = request.string("outputFormat") { body["output_format"] = .string(format == "jpg" ? "jpeg" : format) }
        } else {
            body["response_format"] = "b64_json"
        }
        return .object(body)
    }

    private func generateImage(_ request: MediaRequest) async throws -> MediaResponse {
        let json = try await transport.postJSON(
            url: LLMTransport.join(baseURL, "images/generations"), headers: authHeaders,
            body: Self.imageRequestBody(for: request), label: request.qualifiedModel, keyVariable: keyVariable)
        let mimeType = MediaFormat.imageMimeType(request.string("outputFormat"))
        var media: [GeneratedMedia] = []
        for item in json["data"].arrayValue ?? [] {
            if let encoded = item["b64_json"].stringValue, let data = Data(base64Encoded: encoded) {
                media.append(GeneratedMedia(data: data, mimeType: mimeType))
            } else if let url = item["url"].stringValue {
                // A hosted URL expires: the image is downloaded and kept.
                let payload = try await transport.request(
                    method: .GET, url: url, headers: [], body: nil, label: request.qualifiedModel)
                media.append(
                    GeneratedMedia(
                        data: payload.data, mimeType: MediaFormat.mimeType(fromHeader: payload.contentType, fallback: mimeType)))
            }
        }
        guard !media.isEmpty else {
            throw LLMError(message: "\(request.qualifiedModel): the answer holds no image: \(json.jsonText().prefix(300))")
        }
        return MediaResponse(
            media: media, promptTokens: json["usage"]["input_tokens"].intValue ?? 0,
            completionTokens: json["usage"]["output_tokens"].intValue ?? 0,
            revisedPrompt: json["data"].arrayValue?.first?["revised_prompt"].stringValue)
    }

    /// The JSON body of a speech request (`voice` defaults to `alloy`, `responseFormat` to `mp3`).
    static func speechRequestBody(for request: MediaRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model), "input": .string(request.prompt),
            "voice": .string(request.string("voice") ?? "alloy"),
            "response_format": .string(request.string("responseFormat") ?? "mp3"),
        ]
        if let speed = request.options["speed"]?.doubleValue, speed > 0 { body["speed"] = .double(speed) }
        if let instructions = request.string("instructions") { body["instructions"] = .string(instructions) }
        return .object(body)
    }

    private func generateSpeech(_ request: MediaRequest) async throws -> MediaResponse {
        let payload = try await transport.request(
            method: .POST, url: LLMTransport.join(baseURL, "audio/speech"),
            headers: [("Content-Type", "application/json"), ("Accept", "audio/*")] + authHeaders,
            body: Data(Self.speechRequestBody(for: request).jsonText().utf8), label: request.qualifiedModel,
            keyVariable: keyVariable)
        let fallback = MediaFormat.audioMimeType(request.string("responseFormat"))
        return MediaResponse(media: [
            GeneratedMedia(data: payload.data, mimeType: MediaFormat.mimeType(fromHeader: payload.contentType, fallback: fallback))
        ])
    }

    /// The JSON body of a video job: `seconds` from `duration` (for Sora the nearest of 4, 8 and 12), `size` from
    /// `size` or `width`×`height`.
    static func videoRequestBody(for request: MediaRequest) -> JSONValue {
        var body: [String: JSONValue] = ["model": .string(request.model), "prompt": .string(request.prompt)]
        if let seconds = request.int("duration") {
            // Sora takes 4, 8 or 12 seconds; another duration asks for the nearest of them.
            let allowed = [4, 8, 12]
            let nearest = request.model.lowercased().hasPrefix("sora") ? allowed.min { abs($0 - seconds) < abs($1 - seconds) } ?? seconds : seconds
            body["seconds"] = .string(String(nearest))
        }
        if let size = request.string("size") {
            body["size"] = .string(size)
        } else if let width = request.int("width"), let height = request.int("height") {
            body["size"] = .string("\(width)x\(height)")
        }
        return .object(body)
    }

    private func generateVideo(_ request: MediaRequest) async throws -> MediaResponse {
        let label = request.qualifiedModel
        let job = try await transport.postJSON(
            url: LLMTransport.join(baseURL, "videos"), headers: authHeaders, body: Self.videoRequestBody(for: request),
            label: label, keyVariable: keyVariable)
        guard let id = job["id"].stringValue, !id.isEmpty else {
            throw LLMError(message: "\(label): the video job has no id: \(job.jsonText().prefix(300))")
        }
        let started = ContinuousClock.now
        var status = job
        while status["status"].stringValue != "completed" {
            if status["status"].stringValue == "failed" {
                let reason = status["error"]["message"].stringValue ?? status["error"].stringValue ?? "no reason given"
                throw LLMError(message: "\(label): video job \(id) failed: \(reason)")
            }
            if ContinuousClock.now - started > videoDeadline {
                throw LLMError(message: "\(label): video job \(id) did not finish within \(videoDeadline)", retryable: false)
            }
            try await Task.sleep(for: videoPollInterval)
            let payload = try await transport.request(
                method: .GET, url: LLMTransport.join(baseURL, "videos/\(id)"),
                headers: [("Accept", "application/json")] + authHeaders, body: nil, label: label, keyVariable: keyVariable)
            status = try LLMTransport.json(payload.data, label: label)
        }
        let content = try await transport.request(
            method: .GET, url: LLMTransport.join(baseURL, "videos/\(id)/content"), headers: authHeaders, body: nil,
            label: label, keyVariable: keyVariable)
        return MediaResponse(media: [
            GeneratedMedia(data: content.data, mimeType: MediaFormat.mimeType(fromHeader: content.contentType, fallback: "video/mp4"))
        ])
    }
}
