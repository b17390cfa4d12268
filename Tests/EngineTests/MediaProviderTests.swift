import Foundation
import Testing
import Workflow

@testable import Engine

/// Image, speech and video generation against local doubles of OpenAI, Gemini/Imagen and Stability.
@Suite("Media providers")
struct MediaProviderTests {
    /// The eight-byte PNG signature and a little more: enough to tell the bytes made the round trip.
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4])

    @Test("OpenAI images: the request asks for base64; the decoded image and the revised prompt come back")
    func openAIImage() async throws {
        let answer: JSONValue = ["data": [["b64_json": .string(Self.png.base64EncodedString()), "revised_prompt": "A red lighthouse."]]]
        let (response, received) = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = OpenAIProvider(apiKey: "sk", baseURL: base + "/v1")
            let request = MediaRequest(
                kind: .image, provider: "openai", model: "dall-e-3", prompt: "a lighthouse",
                options: ["width": 1024, "height": 1792, "style": "vivid"])
            return (try await provider.generate(request), await server.received)
        }
        #expect(received.first?.path == "/v1/images/generations")
        #expect(
            received.first?.body
                == ["model": "dall-e-3", "prompt": "a lighthouse", "n": 1, "size": "1024x1792", "style": "vivid", "response_format": "b64_json"])
        #expect(response.media == [GeneratedMedia(data: Self.png, mimeType: "image/png")])
        #expect(response.revisedPrompt == "A red lighthouse.")
    }

    @Test("OpenAI images given as a URL are downloaded")
    func openAIImageURL() async throws {
        let media = try await ProviderTestServer.with([.binary(Self.png, contentType: "image/webp")]) { imageServer, imageBase in
            try await ProviderTestServer.with([.json(["data": [["url": .string(imageBase + "/img/1.webp")]]])]) { _, base in
                let provider = OpenAIProvider(apiKey: "sk", baseURL: base)
                let response = try await provider.generate(
                    MediaRequest(kind: .image, provider: "openai", model: "dall-e-2", prompt: "x"))
                #expect(await imageServer.received.map(\.path) == ["/img/1.webp"])
                return response.media
            }
        }
        #expect(media == [GeneratedMedia(data: Self.png, mimeType: "image/webp")])
    }

    @Test("OpenAI speech: input, voice and format; the audio bytes and their type come back")
    func openAISpeech() async throws {
        let audio = Data("ID3-fake-mp3".utf8)
        let (response, received) = try await ProviderTestServer.with([.binary(audio, contentType: "audio/mpeg")]) { server, base in
            let provider = OpenAIProvider(apiKey: "sk", baseURL: base)
            let request = MediaRequest(kind: .audio, provider: "openai", model: "tts-1", prompt: "Hello there", options: ["voice": "nova", "speed": 1.25])
            return (try await provider.generate(request), await server.received)
        }
        #expect(received.first?.path == "/audio/speech")
        #expect(received.first?.body == ["model": "tts-1", "input": "Hello there", "voice": "nova", "response_format": "mp3", "speed": 1.25])
        #expect(response.media == [GeneratedMedia(data: audio, mimeType: "audio/mpeg")])
    }

    @Test("OpenAI video: the job is created, polled until completed, and its content downloaded")
    func openAIVideo() async throws {
        let video = Data("....ftypmp42".utf8)
        let replies: [ProviderTestServer.Reply] = [
            .json(["id": "video_1", "status": "queued"]),
            .json(["id": "video_1", "status": "in_progress", "progress": 40]),
            .json(["id": "video_1", "status": "completed"]),
            .binary(video, contentType: "video/mp4"),
        ]
        let (response, received) = try await ProviderTestServer.with(replies) { server, base in
            var provider = OpenAIProvider(apiKey: "sk", baseURL: base)
            provider.videoPollInterval = .milliseconds(10)
            let request = MediaRequest(kind: .video, provider: "openai", model: "sora-2", prompt: "waves", options: ["duration": 4, "size": "1280x720"])
            return (try await provider.generate(request), await server.received)
        }
        #expect(received.map { "\($0.method) \($0.path)" } == ["POST /videos", "GET /videos/video_1", "GET /videos/video_1", "GET /videos/video_1/content"])
        #expect(received.first?.body == ["model": "sora-2", "prompt": "waves", "seconds": "4", "size": "1280x720"])
        #expect(response.media == [GeneratedMedia(data: video, mimeType: "video/mp4")])
    }

    @Test("Sora durations snap to 4, 8 or 12 seconds; width and height make the size")
    func soraDurations() {
        let body = OpenAIProvider.videoRequestBody(
            for: MediaRequest(kind: .video, provider: "openai", model: "sora-2", prompt: "x", options: ["duration": 5, "width": 1280, "height": 720]))
        #expect(body == ["model": "sora-2", "prompt": "x", "seconds": "4", "size": "1280x720"])
        let long = OpenAIProvider.videoRequestBody(
            for: MediaRequest(kind: .video, provider: "openai", model: "sora-2-pro", prompt: "x", options: ["duration": "11"]))
        #expect(long["seconds"] == "12")
    }

    @Test("a failed video job is an error with the provider's reason")
    func openAIVideoFailure() async throws {
        let replies: [ProviderTestServer.Reply] = [
            .json(["id": "video_2", "status": "queued"]),
            .json(["id": "video_2", "status": "failed", "error": ["message": "moderation blocked"]]),
        ]
        try await ProviderTestServer.with(replies) { _, base in
            var provider = OpenAIProvider(apiKey: "sk", baseURL: base)
            provider.videoPollInterval = .milliseconds(10)
            let error = await #expect(throws: LLMError.self) {
                try await provider.generate(MediaRequest(kind: .video, provider: "openai", model: "sora-2", prompt: "x"))
            }
            #expect(error?.message == "openai/sora-2: video job video_2 failed: moderation blocked")
        }
    }

    @Test("Veo: predictLongRunning, the operation polled until done, the video downloaded from its uri with the key")
    func veo() async throws {
        let video = Data("....ftypisom".utf8)
        let (response, calls, downloads) = try await ProviderTestServer.with([.binary(video, contentType: "video/mp4")]) { files, filesBase in
            let replies: [ProviderTestServer.Reply] = [
                .json(["name": "models/veo-3.0-generate-001/operations/op1"]),
                .json(["name": "models/veo-3.0-generate-001/operations/op1", "done": false]),
                .json([
                    "name": "models/veo-3.0-generate-001/operations/op1", "done": true,
                    "response": ["generateVideoResponse": ["generatedSamples": [["video": ["uri": .string(filesBase + "/v1beta/files/f1:download?alt=media")]]]]],
                ]),
            ]
            return try await ProviderTestServer.with(replies) { server, base in
                var provider = GeminiProvider(backend: .aiStudio(apiKey: "gk", baseURL: base))
                provider.videoPollInterval = .milliseconds(10)
                let response = try await provider.generate(
                    MediaRequest(kind: .video, provider: "google_gemini", model: "veo-3.0-generate-001", prompt: "waves", options: ["duration": 8, "width": 1280, "height": 720]))
                return (response, await server.received, await files.received)
            }
        }
        #expect(calls.map { "\($0.method) \($0.path)" } == [
            "POST /v1beta/models/veo-3.0-generate-001:predictLongRunning",
            "GET /v1beta/models/veo-3.0-generate-001/operations/op1", "GET /v1beta/models/veo-3.0-generate-001/operations/op1",
        ])
        #expect(calls.first?.body == ["instances": [["prompt": "waves"]], "parameters": ["sampleCount": 1, "durationSeconds": 8, "aspectRatio": "16:9"]])
        #expect(downloads.first?.headers["x-goog-api-key"] == "gk")
        #expect(response.media == [GeneratedMedia(data: video, mimeType: "video/mp4")])
    }

    @Test("Imagen through :predict with sampleCount; images come back decoded")
    func imagen() async throws {
        let answer: JSONValue = ["predictions": [["bytesBase64Encoded": .string(Self.png.base64EncodedString()), "mimeType": "image/png"]]]
        let received = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let router = ProviderRouter(environment: ["GEMINI_API_KEY": "gk", "GEMINI_BASE_URL": base])
            let response = try await router.generate(
                MediaRequest(kind: .image, provider: "google_gemini", model: "imagen-3.0-generate-002", prompt: "a fox", options: ["n": 2, "aspectRatio": "16:9"]))
            #expect(response.media == [GeneratedMedia(data: Self.png, mimeType: "image/png")])
            return await server.received
        }
        #expect(received.first?.path == "/v1beta/models/imagen-3.0-generate-002:predict")
        #expect(received.first?.headers["x-goog-api-key"] == "gk")
        #expect(received.first?.body == ["instances": [["prompt": "a fox"]], "parameters": ["sampleCount": 2, "aspectRatio": "16:9"]])
    }

    @Test("Stability: a multipart form to the sd3 endpoint with the model; the image bytes come back")
    func stability() async throws {
        let (response, received) = try await ProviderTestServer.with([.binary(Self.png, contentType: "image/png")]) { server, base in
            let router = ProviderRouter(environment: ["STABILITY_API_KEY": "sk-stab", "STABILITY_BASE_URL": base])
            let request = MediaRequest(kind: .image, provider: "stabilityai", model: "sd3.5-large", prompt: "a castle", options: ["aspectRatio": "1:1"])
            return (try await router.generate(request), await server.received)
        }
        let call = try #require(received.first)
        #expect(call.path == "/v2beta/stable-image/generate/sd3")
        #expect(call.headers["authorization"] == "Bearer sk-stab")
        #expect(call.headers["accept"] == "image/*")
        #expect(call.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=") == true)
        let form = String(decoding: call.rawBody, as: UTF8.self)
        for field in ["name=\"prompt\"\r\n\r\na castle", "name=\"model\"\r\n\r\nsd3.5-large", "name=\"output_format\"\r\n\r\npng", "name=\"aspect_ratio\"\r\n\r\n1:1"] {
            #expect(form.contains(field), "\(field) in \(form)")
        }
        #expect(response.media == [GeneratedMedia(data: Self.png, mimeType: "image/png")])
    }

    @Test("Gemini image models answer through generateContent with IMAGE among the response modalities")
    func geminiImageModel() async throws {
        let answer: JSONValue = ["candidates": [["content": ["parts": [
            ["text": "Here you go."], ["inlineData": ["mimeType": "image/png", "data": .string(Self.png.base64EncodedString())]],
        ]]]]]
        let received = try await ProviderTestServer.with([.json(answer)]) { server, base in
            let provider = GeminiProvider(backend: .aiStudio(apiKey: "gk", baseURL: base))
            let response = try await provider.generate(
                MediaRequest(kind: .image, provider: "google_gemini", model: "gemini-2.0-flash-preview-image-generation", prompt: "a fox"))
            #expect(response.media == [GeneratedMedia(data: Self.png, mimeType: "image/png")])
            return await server.received
        }
        #expect(received.first?.path == "/v1beta/models/gemini-2.0-flash-preview-image-generation:generateContent")
        #expect(received.first?.body["generationConfig"] == ["responseModalities": ["TEXT", "IMAGE"]])
    }

    @Test("a rate-limited image request is retried with backoff")
    func mediaRateLimit() async throws {
        let limited = ProviderTestServer.Reply.json(["name": "rate_limit_exceeded", "errors": ["You have exceeded the rate limit."]], status: 429, headers: ["Retry-After": "0"])
        try await ProviderTestServer.with([limited, .binary(Self.png, contentType: "image/png")]) { server, base in
            let response = try await StabilityProvider(apiKey: "k", baseURL: base).generate(
                MediaRequest(kind: .image, provider: "stabilityai", model: "stable-image-core", prompt: "x"))
            #expect(response.media.first?.data == Self.png)
            #expect(await server.received.map(\.path) == ["/v2beta/stable-image/generate/core", "/v2beta/stable-image/generate/core"])
        }
    }

    @Test("Stability's error shape: a refused key names STABILITY_API_KEY")
    func stabilityErrors() async throws {
        let refused = ProviderTestServer.Reply.json(["name": "unauthorized", "errors": ["authorization: invalid or missing"]], status: 401)
        try await ProviderTestServer.with([refused]) { _, base in
            let error = await #expect(throws: LLMError.self) {
                try await StabilityProvider(apiKey: "bad", baseURL: base).generate(
                    MediaRequest(kind: .image, provider: "stabilityai", model: "stable-image-core", prompt: "x"))
            }
            #expect(error?.message == "stabilityai/stable-image-core: HTTP 401: authorization: invalid or missing (the provider refused the credentials in STABILITY_API_KEY)")
        }
    }

    @Test("a provider without the asked-for media fails at once, naming the providers that have it")
    func unsupported() async throws {
        let router = ProviderRouter(environment: ["GEMINI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"])
        let video = await #expect(throws: LLMError.self) {
            try await router.generate(MediaRequest(kind: .video, provider: "stabilityai", model: "sd3.5-large", prompt: "x"))
        }
        #expect(video?.message == "GENERATE_VIDEO: provider 'stabilityai' offers no video here; providers that do: openai, google_gemini")
        #expect(video?.retryable == false)
        let image = await #expect(throws: LLMError.self) {
            try await router.generate(MediaRequest(kind: .image, provider: "anthropic", model: "claude", prompt: "x"))
        }
        #expect(image?.message == "GENERATE_IMAGE: provider 'anthropic' offers no images here; providers that do: openai, google_gemini, stabilityai")
    }
}
