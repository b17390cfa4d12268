import Engine
import Foundation
import Hummingbird
import Logging
import Workflow

/// The real embedded engine (SQLite file, sweeper, response timeouts, retries) behind the Conductor routes the
/// worker uses, served on 127.0.0.1 inside the test process, so the benchmark can read completions from the
/// engine directly. (Process tests use the real `agentspanc server` binary instead.)
final class EngineServer: Sendable {
    struct NoLLM: LLMProvider {
        func complete(_ request: ChatRequest) async throws -> ChatResponse {
            throw LLMError(message: "no LLM in worker tests")
        }
    }

    let engine: WorkflowEngine
    let port: Int
    private let server: Task<Void, any Error>

    init(databasePath: String) async throws {
        let engine = try await WorkflowEngine(configuration: .init(
            databasePath: databasePath, llm: NoLLM(), logger: Logger(label: "engine"), sweepInterval: .milliseconds(200)))
        await engine.start()
        self.engine = engine
        let router = Router()
        router.get("/api/tasks/poll/batch/:taskType") { request, context -> Response in
            let tasks = try await Self.mapped {
                try await engine.poll(
                    taskType: try context.parameters.require("taskType"), workerID: request.uri.queryParameters.get("workerid"),
                    domain: request.uri.queryParameters.get("domain"),
                    count: request.uri.queryParameters.get("count", as: Int.self) ?? 1,
                    timeout: .milliseconds(request.uri.queryParameters.get("timeout", as: Int.self) ?? 100))
            }
            return try Self.json(tasks)
        }
        router.post("/api/tasks") { request, _ -> Response in
            let result = try await Self.decode(TaskResult.self, request)
            try await Self.mapped { try await engine.updateTask(result) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: result.taskId)))
        }
        router.post("/api/tasks/update-v2") { request, _ -> Response in
            let result = try await Self.decode(TaskResult.self, request)
            guard let next = try await Self.mapped({ try await engine.updateTaskV2(result) }) else {
                return Response(status: .noContent)
            }
            return try Self.json(next)
        }
        router.post("/api/metadata/taskdefs") { request, _ -> Response in
            let defs = try await Self.decode([TaskDef].self, request)
            try await Self.mapped { try await engine.registerTaskDefs(defs) }
            return Response(status: .ok)
        }
        router.get("/api/metadata/taskdefs") { _, _ -> Response in
            try Self.json(try await Self.mapped { try await engine.taskDefs() })
        }
        router.post("/api/metadata/workflow") { request, _ -> Response in
            let def = try await Self.decode(WorkflowDef.self, request)
            let overwrite = request.uri.queryParameters.get("overwrite") == "true"
            try await Self.mapped { try await engine.registerWorkflowDef(def, overwrite: overwrite) }
            return Response(status: .ok)
        }
        router.post("/api/workflow") { request, _ -> Response in
            let start = try await Self.decode(StartWorkflowRequest.self, request)
            let id = try await Self.mapped { try await engine.startWorkflow(start) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: id)))
        }
        router.get("/api/workflow/:id") { request, context -> Response in
            let id = try context.parameters.require("id")
            let includeTasks = request.uri.queryParameters.get("includeTasks") != "false"
            guard let execution = try await Self.mapped({ try await engine.workflow(id: id, includeTasks: includeTasks) }) else {
                throw HTTPError(.notFound, message: "no workflow \(id)")
            }
            return try Self.json(execution)
        }
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "engine-server")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        server = Task { try await app.run() }
        guard let bound = await portStream.first(where: { _ in true }) else { throw CancellationError() }
        port = bound
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        server.cancel()
        _ = await server.result
        await engine.shutdown()
    }

    private static func mapped<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as EngineError {
            let status: HTTPResponse.Status
            switch error.code {
            case .notFound: status = .notFound
            case .conflict: status = .conflict
            case .invalidArgument: status = .badRequest
            default: status = .internalServerError
            }
            throw HTTPError(status, message: error.message)
        }
    }

    private static func json<T: Encodable>(_ value: T) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 16 << 20)
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}
