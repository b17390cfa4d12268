import Engine
import Foundation
import Logging
import Server

/// An agentspanc server inside this process: in-memory store, a free loopback port, the given model.
struct EmbeddedServer: Sendable {
    let url: String
    let task: Task<Void, any Error>

    static func start(llm: any LLMProvider, logger: Logger) async throws -> EmbeddedServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: nil, apiKey: nil, llm: llm, logger: logger)
        let server = try AgentspancServer(configuration: configuration)
        let task = Task {
            try await server.run(onListening: { port in continuation.yield(port); continuation.finish() })
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw CancellationError()
        }
        return EmbeddedServer(url: "http://127.0.0.1:\(port)", task: task)
    }

    func stop() { task.cancel() }
}
