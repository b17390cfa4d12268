import AsyncHTTPClient
import Engine
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Server
import Workflow

/// An agentspanc server in this process, on a free loopback port, with a durable store in a temporary directory.
struct BenchServer {
    let url: String
    let task: Task<Void, any Error>
    let directory: String
    /// Whether ``stop()`` deletes the store.
    let isTemporary: Bool

    /// Starts a server on `directory` (a new temporary one when nil, deleted by ``stop()``).
    static func start(llm: any LLMProvider = ProviderRouter(environment: [:]), directory: String? = nil) async throws -> BenchServer {
        var logger = Logger(label: "bench.server")
        logger.logLevel = .critical
        let isTemporary = directory == nil
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("agentspanc-bench-\(UUID().uuidString)").path
        let server = try AgentspancServer(configuration: .init(port: 0, dataDirectory: directory, llm: llm, logger: logger))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run(onListening: { continuation.yield($0); continuation.finish() }) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return BenchServer(url: "http://127.0.0.1:\(port)", task: task, directory: directory, isTemporary: isTemporary)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        if isTemporary { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// Minimal JSON-over-HTTP calls for the benchmarks.
struct BenchHTTP: Sendable {
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)))
    let base: String

    func call(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> (Int, ByteBuffer) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return (Int(response.status.code), buffer)
    }

    func tasks(_ path: String) async throws -> [ConductorTask] {
        let (status, buffer) = try await call(.GET, path)
        guard status == 200 else { return [] }
        return try JSONDecoder().decode([ConductorTask].self, from: Data(buffer.readableBytesView))
    }

    func complete(_ task: ConductorTask, output: [String: JSONValue] = [:], v2: Bool) async throws -> ConductorTask? {
        let result = TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .completed, outputData: output)
        let body = try JSONValue.from(result).jsonText()
        let (status, buffer) = try await call(.POST, v2 ? "/api/tasks/update-v2" : "/api/tasks", body: body)
        guard v2, status == 200 else { return nil }
        return try JSONDecoder().decode(ConductorTask.self, from: Data(buffer.readableBytesView))
    }
}
