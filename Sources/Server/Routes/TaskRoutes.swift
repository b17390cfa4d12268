import Engine
import Foundation
import Hummingbird
import Workflow

/// Conductor's worker protocol: poll, batch long-poll, update, update-v2, update by reference name, queue sizes.
struct TaskRoutes {
    let engine: WorkflowEngine

    /// The longest long-poll a client may ask for, as Conductor enforces.
    static let maxLongPollMs = 5000

    func register(on router: Router<ServerRequestContext>) {
        let tasks = router.group("api/tasks")
        tasks.get("poll/batch/:taskType") { request, context in
            let taskType = try request.parameter("taskType", context)
            let count = max(1, Int(request.query("count") ?? "1") ?? 1)
            let timeout = Int(request.query("timeout") ?? "100") ?? 100
            guard timeout <= Self.maxLongPollMs else {
                throw APIError.badRequest("Long Poll Timeout value cannot be more than 5 seconds")
            }
            let polled = try await engine.poll(
                taskType: taskType, workerID: request.query("workerid"), domain: request.query("domain"),
                count: min(count, 1000), timeout: .milliseconds(max(0, timeout)))
            return try Reply.json(polled)
        }
        tasks.get("poll/:taskType") { request, context in
            let taskType = try request.parameter("taskType", context)
            let polled = try await engine.poll(
                taskType: taskType, workerID: request.query("workerid"), domain: request.query("domain"), count: 1,
                timeout: .milliseconds(100))
            guard let task = polled.first else { return Reply.noContent }
            return try Reply.json(task)
        }
        tasks.post("") { request, context in
            var request = request
            let result = try await request.decodeJSON(TaskResult.self, context: context)
            try Self.validate(result)
            try await engine.updateTask(result)
            return Reply.text(result.taskId)
        }
        tasks.post("update-v2") { request, context in
            var request = request
            let result = try await request.decodeJSON(TaskResult.self, context: context)
            try Self.validate(result)
            guard let next = try await engine.updateTaskV2(result) else { return Reply.noContent }
            return try Reply.json(next)
        }
        tasks.get("queue/sizes") { request, _ in
            let names = request.uri.queryParameters.getAll("taskType").map { String($0) }
            return try Reply.json(try await engine.queueSizes(taskTypes: names))
        }
        tasks.get(":id") { request, context in
            let id = try request.parameter("id", context)
            guard let task = try await engine.task(id: id) else { throw APIError.notFound("No such task found by id: \(id)") }
            return try Reply.json(task)
        }
        tasks.post(":id/log") { request, context in
            var request = request
            _ = try await request.collectBody(upTo: context.maxUploadSize)
            return Reply.ok
        }
        tasks.post(":id/:taskRef/:status") { request, context in
            var request = request
            let workflowID = try request.parameter("id", context)
            let ref = try request.parameter("taskRef", context)
            let statusText = try request.parameter("status", context)
            guard let status = TaskResult.Status(rawValue: statusText) else {
                throw APIError.badRequest("unknown task status '\(statusText)'")
            }
            let body = try await request.decodeOptionalJSON([String: JSONValue].self, context: context) ?? [:]
            let id = try await engine.updateTask(workflowID: workflowID, taskRefName: ref, status: status, output: body)
            return Reply.text(id ?? "")
        }
    }

    static func validate(_ result: TaskResult) throws {
        if result.taskId.isEmpty { throw APIError.badRequest("taskId must not be empty") }
        if result.workflowInstanceId.isEmpty { throw APIError.badRequest("workflowInstanceId must not be empty") }
    }
}
