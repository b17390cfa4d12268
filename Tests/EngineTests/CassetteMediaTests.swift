import Foundation
import TestSupport
import Testing

@testable import Engine

/// The cassette's `media:` entries: GENERATE_IMAGE, _AUDIO and _VIDEO offline.
@Suite("Cassette media answers")
struct CassetteMediaTests {
    @Test("base64, text and file entries are matched by model, prompt and kind, and written back as base64")
    func parseMatchAndWrite() async throws {
        let directory = try makeTemporaryDirectory(prefix: "cassette-media")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: directory + "/fox.png"))
        let yaml = """
            media:
              - match: {model: openai/dall-e-3, prompt: lighthouse, kind: image}
                mimeType: image/png
                base64: iVBORw==
              - match: {kind: audio}
                mimeType: audio/mpeg
                text: ID3 fake
              - match: {kind: image}
                mimeType: image/png
                file: fox.png
            """
        let file = directory + "/media.cassette.yaml"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: file))
        let provider = try CassetteProvider(contentsOf: URL(fileURLWithPath: file))
        #expect(provider.cassette.conversations.isEmpty)

        let lighthouse = try await provider.generate(
            MediaRequest(kind: .image, provider: "openai", model: "dall-e-3", prompt: "a red lighthouse", options: ["n": 2]))
        #expect(lighthouse.media == Array(repeating: GeneratedMedia(data: Data([0x89, 0x50, 0x4E, 0x47]), mimeType: "image/png"), count: 2))
        let speech = try await provider.generate(MediaRequest(kind: .audio, provider: "openai", model: "tts-1", prompt: "hello"))
        #expect(speech.media == [GeneratedMedia(data: Data("ID3 fake".utf8), mimeType: "audio/mpeg")])
        let fox = try await provider.generate(MediaRequest(kind: .image, provider: "stabilityai", model: "sd3.5-large", prompt: "a fox"))
        #expect(fox.media.first?.data == Data([0x89, 0x50, 0x4E, 0x47]))
        let error = await #expect(throws: LLMError.self) {
            try await provider.generate(MediaRequest(kind: .video, provider: "openai", model: "sora-2", prompt: "waves"))
        }
        #expect(error?.message == "cassette \(file): no media entry matches the video request for openai/sora-2 with prompt \"waves\"")

        let reread = try Cassette.parse(yaml: try provider.cassette.yamlText(), file: file)
        #expect(reread == provider.cassette)
    }

    @Test(
        "bad media entries are located errors",
        arguments: [
            ("media:\n  - mimeType: image/png\n", "media[0] needs exactly one of 'base64', 'text' or 'file'", 2, 5),
            ("media:\n  - base64: AA==\n", "media[0]: missing key 'mimeType' (e.g. image/png)", 2, 5),
            ("media:\n  - match: {kind: hologram}\n    mimeType: x/y\n    text: a\n", "media[0].match.kind must be image, audio or video, not 'hologram'", 2, 19),
            ("media:\n  - mimeType: image/png\n    file: missing.png\n", "media[0].file: cannot read /tmp/missing.png", 3, 11),
        ])
    func errors(yaml: String, message: String, line: Int, column: Int) {
        #expect(throws: CassetteError(file: "/tmp/c.yaml", line: line, column: column, message: message)) {
            try Cassette.parse(yaml: yaml, file: "/tmp/c.yaml")
        }
    }

    @Test("recording passes media requests through and records nothing for them")
    func recordingPassesMediaThrough() async throws {
        let directory = try makeTemporaryDirectory(prefix: "cassette-record-media")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inner = CassetteProvider(
            cassette: Cassette(media: [Cassette.MediaAnswer(mimeType: "audio/mpeg", data: Data("mp3".utf8))]), file: "inner.yaml")
        let file = URL(fileURLWithPath: directory + "/recorded.yaml")
        let recorder = try RecordingProvider(wrapping: inner, file: file)
        let response = try await recorder.generate(MediaRequest(kind: .audio, provider: "openai", model: "tts-1", prompt: "hi"))
        #expect(response.media.first?.data == Data("mp3".utf8))
        #expect(await recorder.recorded == Cassette())
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test("a cassette with only conversations still reads as before")
    func backwardsCompatible() throws {
        let cassette = try Cassette.parse(yaml: "conversations:\n  - turns:\n      - content: hi\n", file: "c.yaml")
        #expect(cassette.media.isEmpty)
        #expect(cassette.conversations.count == 1)
        #expect(try cassette.yamlText().contains("media") == false)
        #expect(throws: CassetteError.self) { try Cassette.parse(yaml: "other: 1\n", file: "c.yaml") }
    }
}
