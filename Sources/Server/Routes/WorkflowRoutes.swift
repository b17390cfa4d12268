import Engine
import Foundation
import Hummingbird
import Workflow

/// Conductor's workflow API: start (by name or inline definition), read, search and control.
struct WorkflowRoutes {
    let engine: WorkflowEngine

    func register(on router: Router<ServerRequestContext>) {
        let workflows = router.group("api/workflow")
        workflows.post("") { request, context in
            var request = request
            let start = try await request.decodeJSON(StartWorkflowRequest.self, context: context)
            if start.name.isEmpty && start.workflowDef == nil { throw APIError.badRequest("name is required") }
            return Reply.text(try await engine.startWorkflow(start))
        }
        workflows.get("search") { request, _ in
            let size = min(Int(request.query("size") ?? "100") ?? 100, 1000)
            let status = request.query("status").flatMap(WorkflowStatus.init(rawValue:))
            let found = try await engine.searchWorkflows(name: request.query("workflowType"), status: status, limit: size)
            return try Reply.json(SearchResult(totalHits: found.count, results: found))
        }
        workflows.post(":id") { request, context in
            var request = request
            let name = try request.parameter("id", context)
            let input = try await request.decodeOptionalJSON([String: JSONValue].self, context: context) ?? [:]
            let start = StartWorkflowRequest(
                name: name, version: request.query("version").flatMap(Int.init),
                correlationId: request.query("correlationId"), input: input,
                priority: request.query("priority").flatMap(Int.init))
            return Reply.text(try await engine.startWorkflow(start))
        }
        workflows.get(":id") { request, context in
            let id = try request.parameter("id", context)
            let includeTasks = request.query("includeTasks") != "false"
            guard let workflow = try await engine.workflow(id: id, includeTasks: includeTasks) else {
                throw APIError.notFound("No such workflow found by id: \(id)")
            }
            return try Reply.json(workflow)
        }
        workflows.delete(":id") { request, context in
            try await engine.terminate(workflowID: try request.parameter("id", context), reason: request.query("reason"))
            return Reply.ok
        }
        workflows.put(":id/pause") { request, context in
            try await engine.pause(workflowID: try request.parameter("id", context))
            return Reply.ok
        }
        workflows.put(":id/resume") { request, context in
            try await engine.resume(workflowID: try request.parameter("id", context))
            return Reply.ok
        }
        workflows.post(":id/retry") { request, context in
            try await engine.retry(workflowID: try request.parameter("id", context))
            return Reply.noContent
        }
        workflows.post(":id/restart") { request, context in
            try await engine.restart(workflowID: try request.parameter("id", context))
            return Reply.noContent
        }
    }
}

/// Conductor's search envelope.
struct SearchResult<T: Encodable & Sendable>: Encodable, Sendable {
    let totalHits: Int
    let results: [T]
}
