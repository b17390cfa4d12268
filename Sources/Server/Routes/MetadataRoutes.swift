import Engine
import Foundation
import Hummingbird
import Workflow

/// Conductor's metadata API: task definitions and workflow definitions.
struct MetadataRoutes {
    let engine: WorkflowEngine

    func register(on router: some RouterMethods<ServerRequestContext>) {
        let metadata = router.group("api/metadata")
        metadata.post("taskdefs") { request, context in
            var request = request
            let defs = try await request.decodeJSON([TaskDef].self, context: context)
            for (i, def) in defs.enumerated() { try RequestValidation.validate(def, at: "[\(i)]") }
            try await engine.registerTaskDefs(defs)
            return Reply.ok
        }
        metadata.put("taskdefs") { request, context in
            var request = request
            let def = try await request.decodeJSON(TaskDef.self, context: context)
            try RequestValidation.validate(def, at: "")
            try await engine.updateTaskDef(def)
            return Reply.ok
        }
        metadata.get("taskdefs") { _, _ in try Reply.json(try await engine.taskDefs()) }
        metadata.get("taskdefs/:name") { request, context in
            let name = try request.parameter("name", context)
            guard let def = try await engine.taskDef(named: name) else { throw APIError.notFound("Task definition not found: \(name)") }
            return try Reply.json(def)
        }
        metadata.delete("taskdefs/:name") { request, context in
            try await engine.deleteTaskDef(named: try request.parameter("name", context))
            return Reply.ok
        }
        metadata.post("workflow") { request, context in
            var request = request
            let def = try await request.decodeJSON(WorkflowDef.self, context: context)
            try await RequestValidation.validate(def, at: "", isTaskDef: isTaskDef)
            try Self.validate(def)
            try await engine.registerWorkflowDef(def, overwrite: request.query("overwrite") == "true")
            return Reply.ok
        }
        metadata.put("workflow") { request, context in
            var request = request
            let defs = try await request.decodeJSON([WorkflowDef].self, context: context)
            var succeeded: [String] = []
            var failed: [String: String] = [:]
            for (i, def) in defs.enumerated() {
                do {
                    try await RequestValidation.validate(def, at: "[\(i)]", isTaskDef: isTaskDef)
                    try Self.validate(def)
                    try await engine.registerWorkflowDef(def, overwrite: true)
                    succeeded.append(def.name)
                } catch {
                    failed[def.name] = APIError.publicMessage(of: error)
                }
            }
            return try Reply.json(BulkResponse(bulkSuccessfulResults: succeeded, bulkErrorResults: failed))
        }
        metadata.get("workflow") { _, _ in try Reply.json(try await engine.workflowDefs()) }
        metadata.get("workflow/:name") { request, context in
            let name = try request.parameter("name", context)
            let version = try RequestValidation.integer(request, "version", in: 1...Int(Int32.max))
            guard let def = try await engine.workflowDef(name: name, version: version) else {
                throw APIError.notFound("No such workflow found by name: \(name), version: \(version.map(String.init) ?? "latest")")
            }
            return try Reply.json(def)
        }
        metadata.delete("workflow/:name/:version") { request, context in
            let name = try request.parameter("name", context)
            guard let version = Int(try request.parameter("version", context)) else {
                throw APIError.badRequest("version must be an integer")
            }
            try await engine.deleteWorkflowDef(name: name, version: version)
            return Reply.ok
        }
    }

    /// Whether a user-defined task type names a registered task definition.
    private func isTaskDef(_ name: String) async throws -> Bool {
        try await engine.taskDef(named: name) != nil
    }

    /// The registration-time checks of Conductor's bean validation that matter to an engine.
    static func validate(_ def: WorkflowDef) throws {
        if def.name.isEmpty { throw APIError.badRequest("WorkflowDef name cannot be empty") }
        if def.tasks.isEmpty { throw APIError.badRequest("WorkflowDef \(def.name) must have at least one task") }
        var seen = Set<String>()
        func walk(_ tasks: [WorkflowTask]) throws {
            for task in tasks {
                if !seen.insert(task.taskReferenceName).inserted {
                    throw APIError.badRequest("taskReferenceName '\(task.taskReferenceName)' is not unique in \(def.name)")
                }
                if task.type == "DO_WHILE", (task.loopOver ?? []).isEmpty {
                    throw APIError.badRequest("DO_WHILE task '\(task.taskReferenceName)' needs a non-empty loopOver")
                }
                if task.type == "SWITCH", task.expression == nil {
                    throw APIError.badRequest("SWITCH task '\(task.taskReferenceName)' needs an expression")
                }
                try walk(task.loopOver ?? [])
                try walk(task.defaultCase ?? [])
                for key in (task.decisionCases ?? [:]).keys.sorted() { try walk(task.decisionCases?[key] ?? []) }
                for branch in task.forkTasks ?? [] { try walk(branch) }
            }
        }
        try walk(def.tasks)
    }
}

/// Conductor's bulk response.
struct BulkResponse: Encodable, Sendable {
    let bulkSuccessfulResults: [String]
    let bulkErrorResults: [String: String]
}
