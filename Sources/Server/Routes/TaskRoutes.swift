import Engine
import Foundation
import Hummingbird
import TracePropagation
import Workflow

/// Conductor's worker protocol: poll, batch long-poll, update, update-v2, update by reference name, queue sizes.
struct TaskRoutes {
    let engine: WorkflowEngine
    /// When tracing, each task handed out carries its execution's trace context (``TracePropagation/inputKey``).
    var tracing: ExecutionTracing?

    /// The longest long-poll a client may ask for, as Conductor enforces.
    static let maxLongPollMs = 5000

    func register(on router: some RouterMethods<ServerRequestContext>) {
        let tasks = router.group("api/tasks")
        tasks.get("poll/batch/:taskType") { request, context in
            let taskType = try request.parameter("taskType", context)
            let count = try RequestValidation.integer(request, "count", in: 1...1000) ?? 1
            let timeout = try RequestValidation.integer(request, "timeout", in: 0...Int.max) ?? 100
            guard timeout <= Self.maxLongPollMs else {
                throw APIError.badRequest("Long Poll Timeout value cannot be more than 5 seconds")
            }
            let polled = try await engine.poll(
                taskType: taskType, workerID: request.query("workerid"), domain: request.query("domain"),
                count: count, timeout: .milliseconds(timeout))
            return try Reply.json(await traced(polled))
        }
        tasks.get("poll/:taskType") { request, context in
            let taskType = try request.parameter("taskType", context)
            let polled = try await engine.poll(
                taskType: taskType, workerID: request.query("workerid"), domain: request.query("domain"), count: 1,
                timeout: .milliseconds(100))
            guard let task = polled.first else { return Reply.noContent }
            return try Reply.json(await traced(task))
        }
        tasks.post("") { request, context in
            var request = request
            let result = try await request.decodeJSON(TaskResult.self, context: context)
            try await validate(result)
            try await engine.updateTask(result)
            return Reply.text(result.taskId)
        }
        tasks.post("update-v2") { request, context in
            var request = request
            let result = try await request.decodeJSON(TaskResult.self, context: context)
            try await validate(result)
            guard let next = try await engine.updateTaskV2(result) else { return Reply.noContent }
            return try Reply.json(await traced(next))
        }
        tasks.get("queue/sizes") { request, _ in
            let names = request.uri.queryParameters.getAll("taskType").map { String($0) }
            return try Reply.json(try await engine.queueSizes(taskTypes: names))
        }
        tasks.get("queue/polldata") { request, _ in
            guard let taskType = request.query("taskType"), !taskType.isEmpty else {
                throw APIError.badRequest("taskType: required (the task type whose poll data to read)")
            }
            return try Reply.json(engine.pollData(taskType: taskType))
        }
        tasks.get("queue/polldata/all") { _, _ in try Reply.json(engine.allPollData()) }
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

    /// `task` as a worker receives it: with its execution's `traceparent` when the server traces.
    private func traced(_ task: ConductorTask) async -> ConductorTask {
        guard let tracing, let traceparent = await tracing.traceparent(for: task) else { return task }
        var task = task
        task.inputData[TracePropagation.inputKey] = .string(traceparent)
        return task
    }

    private func traced(_ tasks: [ConductorTask]) async -> [ConductorTask] {
        guard tracing != nil else { return tasks }
        var traced: [ConductorTask] = []
        for task in tasks { traced.append(await self.traced(task)) }
        return traced
    }

    /// Whether a worker's status contradicts how the worker already ended the task. Ends the server decided
    /// (CANCELED, TIMED_OUT, SKIPPED) make late results harmless, as in Conductor, so those are not refused.
    static func contradicts(_ status: TaskResult.Status, ended: TaskStatus) -> Bool {
        switch ended {
        case .completed: return status != .completed
        case .failed, .failedWithTerminalError, .completedWithErrors:
            return status == .completed || status == .inProgress
        default: return false
        }
    }

    /// A result must name the task's own execution, and may not change how an ended task ended (the same status
    /// again is a harmless retry of the worker's update).
    private func validate(_ result: TaskResult) async throws {
        try RequestValidation.validate(result)
        guard let task = try await engine.taskOwnerAndStatus(id: result.taskId, workflowID: result.workflowInstanceId) else { return }
        if task.workflowID != result.workflowInstanceId {
            throw APIError.badRequest(
                "workflowInstanceId: task \(result.taskId) belongs to execution \(task.workflowID), not \(result.workflowInstanceId)")
        }
        if result.extendLease != true, let status = result.status, Self.contradicts(status, ended: task.status) {
            throw APIError.conflict(
                "task \(result.taskId) has already ended \(task.status.rawValue); a \(status.rawValue) update cannot change that")
        }
    }
}
