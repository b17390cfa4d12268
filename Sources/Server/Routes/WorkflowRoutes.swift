import Engine
import Foundation
import Hummingbird
import Workflow

/// Conductor's workflow API: start (by name or inline definition), read, search and control.
struct WorkflowRoutes {
    let engine: WorkflowEngine

    func register(on router: some RouterMethods<ServerRequestContext>) {
        let workflows = router.group("api/workflow")
        workflows.post("") { request, context in
            var request = request
            let start = try await request.decodeJSON(StartWorkflowRequest.self, context: context)
            if start.name.isEmpty && start.workflowDef == nil { throw APIError.badRequest("name is required") }
            try RequestValidation.check(start.version, in: 1...Int(Int32.max), at: "version")
            if let inline = start.workflowDef {
                try await RequestValidation.validate(inline, at: "workflowDef") { try await engine.taskDef(named: $0) != nil }
            }
            return Reply.text(try await engine.startWorkflow(start))
        }
        workflows.get("search") { request, _ in
            let size = try RequestValidation.integer(request, "size", in: 0...1000) ?? 100
            let status = try RequestValidation.workflowStatus(request)
            let start = try RequestValidation.integer(request, "start", in: 0...Int(Int32.max)) ?? 0
            let page = try await engine.searchWorkflowPage(name: request.query("workflowType"), status: status, start: start, limit: size)
            return try Reply.json(SearchResult(totalHits: page.totalHits, results: page.results))
        }
        workflows.post(":id") { request, context in
            var request = request
            let name = try request.parameter("id", context)
            let input = try await request.decodeOptionalJSON([String: JSONValue].self, context: context) ?? [:]
            let start = StartWorkflowRequest(
                name: name, version: try RequestValidation.integer(request, "version", in: 1...Int(Int32.max)),
                correlationId: request.query("correlationId"), input: input,
                priority: try RequestValidation.integer(request, "priority", in: 0...99))
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
