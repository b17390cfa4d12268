import Foundation
import Hummingbird
import Workflow

/// A minimal in-test double of the Conductor task endpoints (batch poll, update, update-v2, task
/// definitions), served by Hummingbird on 127.0.0.1. It keeps queues and records what workers send; it does
/// not run workflows.
final class FakeConductor: Sendable {
    actor State {
        var queues: [String: [ConductorTask]] = [:]
        var results: [TaskResult] = []
        var heartbeats: [String: Int] = [:]
        var taskDefs: [TaskDef] = []
        var polls: [(taskType: String, count: Int, domain: String?, workerID: String?)] = []
        var authorizations: [String] = []
        var updateV2Enabled = true
        var updatesToReject = 0
        var v1Updates = 0
        var v2Updates = 0

        func enqueue(_ tasks: [ConductorTask]) {
            for task in tasks { queues[task.taskType, default: []].append(task) }
        }

        func pop(_ taskType: String, count: Int) -> [ConductorTask] {
            let queue = queues[taskType] ?? []
            let taken = Array(queue.prefix(count))
            queues[taskType] = Array(queue.dropFirst(taken.count))
            return taken.map { task in
                var task = task
                task.status = .inProgress
                return task
            }
        }

        func recordPoll(_ taskType: String, count: Int, domain: String?, workerID: String?, authorization: String?) {
            polls.append((taskType, count, domain, workerID))
            if let authorization { authorizations.append(authorization) }
        }

        /// `nil` when the update must be rejected with 503.
        func update(_ result: TaskResult, v2: Bool) -> Bool? {
            if !v2 || !updateV2Enabled {
                if v2 { return false }
            }
            if updatesToReject > 0 {
                updatesToReject -= 1
                return nil
            }
            if result.extendLease == true {
                heartbeats[result.taskId, default: 0] += 1
            } else {
                results.append(result)
                if v2 { v2Updates += 1 } else { v1Updates += 1 }
            }
            return true
        }

        var starts: [StartWorkflowRequest] = []
        func started(_ request: StartWorkflowRequest) { starts.append(request) }
        func setUpdateV2(_ enabled: Bool) { updateV2Enabled = enabled }
        func rejectUpdates(_ count: Int) { updatesToReject = count }
        func registered(_ defs: [TaskDef]) { taskDefs.append(contentsOf: defs) }
        func result(for taskID: String) -> TaskResult? { results.last { $0.taskId == taskID } }
    }

    let state = State()
    let port: Int
    private let server: Task<Void, any Error>

    /// Starts the double; `port: 0` picks a free port.
    init(port: Int = 0) async throws {
        let state = self.state
        let router = Router()
        router.get("/api/tasks/poll/batch/:taskType") { request, context -> Response in
            let taskType = try context.parameters.require("taskType")
            let count = request.uri.queryParameters.get("count", as: Int.self) ?? 1
            let timeout = request.uri.queryParameters.get("timeout", as: Int.self) ?? 100
            await state.recordPoll(
                taskType, count: count, domain: request.uri.queryParameters.get("domain"),
                workerID: request.uri.queryParameters.get("workerid"),
                authorization: request.headers.first { $0.name.rawName.lowercased() == "x-authorization" }?.value)
            let deadline = ContinuousClock.now + .milliseconds(timeout)
            var tasks = await state.pop(taskType, count: count)
            while tasks.isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
                tasks = await state.pop(taskType, count: count)
            }
            return try Self.json(tasks)
        }
        router.post("/api/tasks") { request, context -> Response in
            let result = try await Self.decode(TaskResult.self, request)
            switch await state.update(result, v2: false) {
            case nil: return Response(status: .serviceUnavailable)
            default: return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: result.taskId)))
            }
        }
        router.post("/api/tasks/update-v2") { request, context -> Response in
            let result = try await Self.decode(TaskResult.self, request)
            switch await state.update(result, v2: true) {
            case nil: return Response(status: .serviceUnavailable)
            case false: return Response(status: .notFound)
            case true:
                let taskType = result.taskId.split(separator: "#").first.map(String.init) ?? ""
                if let next = await state.pop(taskType, count: 1).first {
                    return try Self.json(next)
                }
                return Response(status: .noContent)
            }
        }
        router.post("/api/metadata/taskdefs") { request, context -> Response in
            await state.registered(try await Self.decode([TaskDef].self, request))
            return Response(status: .ok)
        }
        router.post("/api/workflow") { request, _ -> Response in
            let start = try await Self.decode(StartWorkflowRequest.self, request)
            await state.started(start)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "wf-\(start.name)")))
        }
        router.get("/api/workflow/:id") { request, context -> Response in
            let id = try context.parameters.require("id")
            let includeTasks = request.uri.queryParameters.get("includeTasks") == "true"
            var execution = WorkflowExecution(workflowId: id, workflowName: "demo", status: .running)
            if includeTasks { execution.tasks = [FakeConductor.task("double", 1)] }
            return try Self.json(execution)
        }
        router.get("/api/metadata/taskdefs") { _, _ -> Response in
            try Self.json(await state.taskDefs)
        }
        router.get("/api/tasks/:taskId") { _, _ -> Response in
            try Self.json(["status": 404, "message": "Task not found", "retryable": false] as JSONValue, status: .notFound)
        }
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            })
        server = Task { try await app.run() }
        guard let bound = await portStream.first(where: { _ in true }) else {
            throw CancellationError()
        }
        self.port = bound
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        server.cancel()
        _ = await server.result
    }

    /// A worker task whose id starts with its type (`type#n`), so update-v2 knows which queue to serve next.
    static func task(_ taskType: String, _ number: Int, input: [String: JSONValue] = [:], responseTimeout: Int? = nil) -> ConductorTask {
        var task = ConductorTask(
            taskId: "\(taskType)#\(number)", taskType: taskType, referenceTaskName: "\(taskType)_ref_\(number)",
            status: .scheduled, inputData: input, workflowInstanceId: "wf-\(number)")
        task.taskDefName = taskType
        task.responseTimeoutSeconds = responseTimeout
        return task
    }

    private static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 16 << 20)
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}
