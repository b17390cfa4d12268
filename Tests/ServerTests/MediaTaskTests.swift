import AgentSpec
import AsyncHTTPClient
import ConductorClient
import Engine
import Foundation
import Server
import Testing
import Workflow

/// Compiled specs with `generate_image` and `generate_pdf` tools run to completion on the embedded server with a
/// cassette model; the files are served at `GET /api/media/{id}` behind the API key.
@Suite struct MediaTaskTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
    static let apiKey = "media-test-key"

    /// Remembers every chat request, then answers from the cassette.
    actor RequestLog: LLMProvider {
        let inner: CassetteProvider
        private(set) var requests: [ChatRequest] = []
        init(_ inner: CassetteProvider) { self.inner = inner }
        func complete(_ request: ChatRequest) async throws -> ChatResponse {
            requests.append(request)
            return try await inner.complete(request)
        }
        func generate(_ request: MediaRequest) async throws -> MediaResponse { try await inner.generate(request) }
    }

    /// Loads `yaml` as a spec file would be, starts it with `prompt`, and returns the stream's events.
    func run(_ yaml: String, prompt: String, on server: TestServer) async throws -> (String, [AgentStreamEvent]) {
        let spec = try SpecLoader.load(source: yaml, path: "media.yaml")
        let client = AgentClient(serverURL: server.url, apiKey: Self.apiKey)
        let id = try #require(try await client.start(AgentStartRequest(agentConfig: spec.json, prompt: prompt)).executionId)
        var events: [AgentStreamEvent] = []
        for try await event in client.events(executionID: id) { events.append(event) }
        return (id, events)
    }

    func get(_ server: TestServer, _ path: String, key: String? = apiKey) async throws -> (Int, String?, Data) {
        let (status, headers, body) = try await server.exchange(.GET, path, headers: key.map { [("X-Authorization", $0)] } ?? [])
        return (status, headers.first(name: "Content-Type"), Data(body.utf8))
    }

    @Test func aGenerateImageToolRunsToCompletionAndItsImageIsServed() async throws {
        let cassette = Cassette(
            conversations: [
                Cassette.Conversation(turns: [
                    Cassette.Turn(toolCalls: [Cassette.ScriptedToolCall(name: "draw", arguments: ["prompt": "a red lighthouse at dusk"])]),
                    Cassette.Turn(content: "Here is your lighthouse."),
                ])
            ],
            media: [Cassette.MediaAnswer(match: .init(model: "openai/dall-e-3", kind: .image), mimeType: "image/png", data: Self.png)])
        let llm = RequestLog(CassetteProvider(cassette: cassette, file: "media.cassette.yaml"))
        let server = try await TestServer.start(llm: llm, apiKey: Self.apiKey)
        defer { Task { await server.stop() } }
        let (id, events) = try await run(
            """
            name: illustrator
            model: openai/gpt-4o
            instructions: Draw what you are asked for.
            tools:
              - name: draw
                description: Draw an image from a prompt.
                toolType: generate_image
                inputSchema: {type: object, properties: {prompt: {type: string}}, required: [prompt]}
                config: {llmProvider: openai, model: dall-e-3, size: 1024x1024}
            """, prompt: "Draw a lighthouse.", on: server)

        #expect(events.map(\.type).filter { $0 != .thinking } == [.toolCall, .toolResult, .done], "\(events)")
        #expect(events.first { $0.type == .toolCall }?.args == ["prompt": "a red lighthouse at dusk", "llmProvider": "openai", "model": "dall-e-3", "size": "1024x1024"])
        let result = try #require(events.first { $0.type == .toolResult }?.result)
        let location = try #require(result["media"].arrayValue?.first?["location"].stringValue)
        #expect(location.hasPrefix("/api/media/"))
        #expect(result["media"].arrayValue?.first?["mimeType"] == "image/png")
        #expect(result["finishReason"] == "COMPLETED")
        #expect(events.last?.output?["result"] == "Here is your lighthouse.")

        // The model saw the URL in the tool result of its next turn.
        let requests = await llm.requests
        #expect(requests.count == 2)
        #expect(requests.last?.messages.contains { $0.role == .tool && $0.content.contains(location) } == true)

        let (status, type, _) = try await get(server, location)
        #expect(status == 200)
        #expect(type == "image/png")
        #expect(try await rawBody(server, location) == Self.png)
        let (unauthorized, _, _) = try await get(server, location, key: nil)
        #expect(unauthorized == 401)
        let (missing, _, _) = try await get(server, "/api/media/nothing-here")
        #expect(missing == 404)

        let (_, _, executionText) = try await server.exchange(.GET, "/api/workflow/\(id)?includeTasks=true", headers: [("X-Authorization", Self.apiKey)])
        let execution = try JSONValue.parse(executionText)
        let task = try #require(execution["tasks"].arrayValue?.first { $0["taskType"] == "GENERATE_IMAGE" })
        #expect(task["status"] == "COMPLETED")
        #expect(task["inputData"]["size"] == "1024x1024", "config defaults reach the task")
        #expect(task["inputData"]["prompt"] == "a red lighthouse at dusk")
    }

    @Test func aGeneratePDFToolRendersTheMarkdownTheModelWrote() async throws {
        let markdown = "# Quarterly report\n\nRevenue grew **12%**.\n\n- North: up\n- South: flat\n\n\\pagebreak\n\n## Outlook\n\nSteady."
        let cassette = Cassette(conversations: [
            Cassette.Conversation(turns: [
                Cassette.Turn(toolCalls: [Cassette.ScriptedToolCall(name: "write_pdf", arguments: ["markdown": .string(markdown)])]),
                Cassette.Turn(content: "The report is ready."),
            ])
        ])
        let directory = NSTemporaryDirectory() + "media-data-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let llm = CassetteProvider(cassette: cassette, file: "pdf.cassette.yaml")
        var server = try await TestServer.start(llm: llm, apiKey: Self.apiKey, dataDirectory: directory)
        let (_, events) = try await run(
            """
            name: reporter
            model: openai/gpt-4o
            instructions: Write the report as a PDF.
            tools:
              - name: write_pdf
                description: Render markdown as a PDF.
                toolType: generate_pdf
                inputSchema: {type: object, properties: {markdown: {type: string}}, required: [markdown]}
                config: {pageSize: LETTER, pdfMetadata: {title: Quarterly report}}
            """, prompt: "Write the quarterly report.", on: server)
        #expect(events.last?.type == .done, "\(events)")
        let result = try #require(events.first { $0.type == .toolResult }?.result)
        let location = try #require(result["result"]["location"].stringValue)
        #expect(result["media"].arrayValue?.first?["mimeType"] == "application/pdf")
        #expect((result["result"]["sizeBytes"].intValue ?? 0) > 500)

        let (status, type, _) = try await get(server, location)
        #expect(status == 200)
        #expect(type == "application/pdf")
        // The body is binary: fetch it raw and read it with pdftotext.
        let pdf = try await rawBody(server, location)
        #expect(pdf.starts(with: Data("%PDF-1.4".utf8)))
        let file = NSTemporaryDirectory() + "media-\(UUID().uuidString).pdf"
        try pdf.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = [file, "-"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        for piece in ["Quarterly report", "Revenue grew 12%.", "North: up", "South: flat", "Outlook", "Steady."] {
            #expect(text.contains(piece), "\(piece) in \(text)")
        }
        #expect(text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.count == 2)

        // The file is durable: a restarted server on the same data directory still serves it.
        await server.stop()
        server = try await TestServer.start(llm: llm, apiKey: Self.apiKey, dataDirectory: directory)
        #expect(try await rawBody(server, location) == pdf)
        await server.stop()
    }

    @Test func speechIsGeneratedAndVideoWithoutAProviderFailsForGoodNamingWhoHasIt() async throws {
        let mp3 = Data("ID3\u{03}fake-mp3-frames".utf8)
        let cassette = Cassette(
            conversations: [
                Cassette.Conversation(turns: [
                    Cassette.Turn(toolCalls: [
                        Cassette.ScriptedToolCall(name: "speak", arguments: ["text": "Welcome aboard."]),
                        Cassette.ScriptedToolCall(name: "film", arguments: ["prompt": "a ship leaving port"]),
                    ]),
                    Cassette.Turn(content: "Audio is ready; video is not available."),
                ])
            ],
            media: [Cassette.MediaAnswer(match: .init(kind: .audio), mimeType: "audio/mpeg", data: mp3)])
        // A router behind the cassette for video: anthropic is configured but has no video generation.
        struct Media: LLMProvider {
            let cassette: CassetteProvider
            let router = ProviderRouter(environment: ["ANTHROPIC_API_KEY": "unused"])
            func complete(_ request: ChatRequest) async throws -> ChatResponse { try await cassette.complete(request) }
            func generate(_ request: MediaRequest) async throws -> MediaResponse {
                request.kind == .video ? try await router.generate(request) : try await cassette.generate(request)
            }
        }
        let server = try await TestServer.start(
            llm: Media(cassette: CassetteProvider(cassette: cassette, file: "av.cassette.yaml")), apiKey: Self.apiKey)
        defer { Task { await server.stop() } }
        let (id, events) = try await run(
            """
            name: producer
            model: openai/gpt-4o
            tools:
              - {name: speak, toolType: generate_audio, config: {llmProvider: openai, model: tts-1, voice: nova}}
              - {name: film, toolType: generate_video, config: {llmProvider: anthropic, model: claude-sonnet-4}}
            """, prompt: "Make a welcome message and a clip.", on: server)
        #expect(events.last?.isTerminal == true, "\(events)")
        let audio = try #require(events.first { $0.type == .toolResult && $0.result?["media"].arrayValue != nil }?.result, "\(events)")
        let location = try #require(audio["media"].arrayValue?.first?["location"].stringValue)
        #expect(audio["media"].arrayValue?.first?["mimeType"] == "audio/mpeg")
        #expect(try await rawBody(server, location) == mp3)

        let (_, _, text) = try await server.exchange(.GET, "/api/workflow/\(id)?includeTasks=true", headers: [("X-Authorization", Self.apiKey)])
        let tasks = try JSONValue.parse(text)["tasks"].arrayValue ?? []
        let video = tasks.filter { $0["taskType"] == "GENERATE_VIDEO" }
        #expect(video.count == 1, "a terminal failure is not retried")
        #expect(
            video.first?["reasonForIncompletion"]
                == "GENERATE_VIDEO: provider 'anthropic' offers no video here; providers that do: openai, google_gemini")
        #expect(tasks.first { $0["taskType"] == "GENERATE_AUDIO" }?["inputData"]["voice"] == "nova")
    }

    /// A response body as bytes (``TestServer/exchange`` decodes text).
    func rawBody(_ server: TestServer, _ path: String) async throws -> Data {
        var request = HTTPClientRequest(url: server.url + path)
        request.headers.add(name: "X-Authorization", value: Self.apiKey)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
    }
}
