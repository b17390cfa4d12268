import AsyncHTTPClient
import Engine
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Server
import Testing
import Workflow

/// A real agentspanc server on a free loopback port, in this process, for the length of a test.
struct TestServer: Sendable {
    let port: Int
    let task: Task<Void, any Error>
    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts a server (in-memory store unless `dataDirectory` is given) and waits until it listens.
    static func start(
        llm: any LLMProvider = ScriptedLLM(turns: []), apiKey: String? = nil, dataDirectory: String? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, dataDirectory: dataDirectory, apiKey: apiKey, llm: llm, logger: logger)
        configure(&configuration)
        let server = try AgentspancServer(configuration: configuration)
        let task = Task {
            try await server.run(onListening: { port in continuation.yield(port); continuation.finish() })
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return TestServer(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Sends a request and returns status and body text; a body is sent as JSON unless `headers` name a
    /// Content-Type.
    func request(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws -> (Int, String) {
        let (status, _, text) = try await exchange(method, path, body: body, headers: headers)
        return (status, text)
    }

    /// Like ``request(_:_:body:headers:)``, with the response headers.
    func exchange(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> (Int, HTTPHeaders, String) {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if !request.headers.contains(name: "Content-Type") { request.headers.add(name: "Content-Type", value: "application/json") }
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return (Int(response.status.code), response.headers, String(buffer: buffer))
    }

    /// Sends JSON and decodes a JSON answer, expecting 200.
    func json<T: Decodable>(_ method: HTTPMethod, _ path: String, body: String? = nil, as type: T.Type = T.self) async throws -> T {
        let (status, text) = try await request(method, path, body: body)
        #expect(status == 200, "\(method) \(path) → \(status): \(text)")
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

/// An LLM that answers from a fixed list of turns, by the number of assistant turns already in the history.
struct ScriptedLLM: LLMProvider {
    let turns: [ChatResponse]

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let index = request.messages.filter { $0.role == .assistant }.count
        guard index < turns.count else { throw LLMError(message: "scripted LLM has no turn \(index)") }
        return turns[index]
    }
}
