import Foundation
import GRDB
import Workflow

extension WorkflowEngine {
    /// Creates or overwrites task definitions.
    public func registerTaskDefs(_ defs: [TaskDef]) async throws {
        for def in defs {
            if def.name.isEmpty { throw EngineError.invalid("TaskDef name cannot be empty") }
            try TimeSettingLimits.check(def)
        }
        _ = try await perform { session in
            for var def in defs {
                let existing = try Self.storedTaskDef(def.name, session.db)
                def.createTime = existing?.createTime ?? def.createTime ?? session.now
                def.updateTime = session.now
                try session.db.execute(
                    sql: "INSERT OR REPLACE INTO task_def(name, json) VALUES (?, ?)", arguments: [def.name, JSONValue.jsonString(def)])
            }
        }
    }

    /// Registers each definition whose name has none yet, in one write transaction, and leaves existing ones
    /// alone — even one written a moment earlier by a worker — so a default can never replace a worker's own
    /// settings. Returns the names it registered.
    @discardableResult
    public func registerTaskDefsIfAbsent(_ defs: [TaskDef]) async throws -> [String] {
        for def in defs {
            if def.name.isEmpty { throw EngineError.invalid("TaskDef name cannot be empty") }
            try TimeSettingLimits.check(def)
        }
        return try await perform { session in
            var registered: [String] = []
            for var def in defs {
                def.createTime = def.createTime ?? session.now
                def.updateTime = session.now
                try session.db.execute(
                    sql: "INSERT INTO task_def(name, json) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
                    arguments: [def.name, JSONValue.jsonString(def)])
                if session.db.changesCount > 0 { registered.append(def.name) }
            }
            return registered
        }
    }

    /// Updates an existing task definition (notFound when absent).
    public func updateTaskDef(_ def: TaskDef) async throws {
        try TimeSettingLimits.check(def)
        _ = try await perform { session in
            guard let existing = try Self.storedTaskDef(def.name, session.db) else {
                throw EngineError.notFound("No such taskType found by name: \(def.name)")
            }
            var updated = def
            updated.createTime = existing.createTime
            updated.updateTime = session.now
            try session.db.execute(
                sql: "UPDATE task_def SET json = ? WHERE name = ?", arguments: [JSONValue.jsonString(updated), def.name])
        }
    }

    /// The task definition with this name, if registered.
    public func taskDef(named name: String) async throws -> TaskDef? {
        try await read { db in try Self.storedTaskDef(name, db) }
    }

    /// Every registered task definition, by name.
    public func taskDefs() async throws -> [TaskDef] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT json FROM task_def ORDER BY name").map { try JSONValue.decodeJSON(TaskDef.self, $0) }
        }
    }

    /// Deletes a task definition (notFound when absent).
    public func deleteTaskDef(named name: String) async throws {
        _ = try await perform { session in
            try session.db.execute(sql: "DELETE FROM task_def WHERE name = ?", arguments: [name])
            if session.db.changesCount == 0 { throw EngineError.notFound("No such taskType found by name: \(name)") }
        }
    }

    /// Registers a workflow definition; conflict when `name`/`version` exists and `overwrite` is false.
    public func registerWorkflowDef(_ def: WorkflowDef, overwrite: Bool) async throws {
        try Self.validate(def)
        _ = try await perform { session in
            var def = def
            let version = def.version ?? 1
            def.version = version
            let exists = try Bool.fetchOne(
                session.db, sql: "SELECT 1 FROM workflow_def WHERE name = ? AND version = ?", arguments: [def.name, version]) ?? false
            if exists && !overwrite {
                throw EngineError.conflict("Workflow with \(def.name).\(version) already exists!")
            }
            def.updateTime = session.now
            if def.createTime == nil { def.createTime = session.now }
            try session.db.execute(
                sql: "INSERT OR REPLACE INTO workflow_def(name, version, json) VALUES (?, ?, ?)",
                arguments: [def.name, version, JSONValue.jsonString(def)])
        }
    }

    /// The definition with this version, or the latest when `version` is nil.
    public func workflowDef(name: String, version: Int?) async throws -> WorkflowDef? {
        try await perform { session in try session.workflowDef(name: name, version: version) }
    }

    /// Every registered workflow definition (all versions), by name and version.
    public func workflowDefs() async throws -> [WorkflowDef] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT json FROM workflow_def ORDER BY name, version")
                .map { try JSONValue.decodeJSON(WorkflowDef.self, $0) }
        }
    }

    /// Removes one version of a definition (not its executions); notFound when absent.
    public func deleteWorkflowDef(name: String, version: Int) async throws {
        _ = try await perform { session in
            try session.db.execute(sql: "DELETE FROM workflow_def WHERE name = ? AND version = ?", arguments: [name, version])
            if session.db.changesCount == 0 { throw EngineError.notFound("No such workflow definition: \(name) version \(version)") }
        }
    }

    static func storedTaskDef(_ name: String, _ db: Database) throws -> TaskDef? {
        try String.fetchOne(db, sql: "SELECT json FROM task_def WHERE name = ?", arguments: [name])
            .map { try JSONValue.decodeJSON(TaskDef.self, $0) }
    }

    /// Structural checks of conductor.md §3.5 that matter to the engine.
    static func validate(_ def: WorkflowDef) throws {
        guard !def.name.isEmpty else { throw EngineError.invalid("Workflow name cannot be empty") }
        guard !def.tasks.isEmpty else { throw EngineError.invalid("Workflow '\(def.name)' has no tasks") }
        try TimeSettingLimits.check(def)
        let maxDepth = ExpressionResolver.maxDepth
        if let out = def.outputParameters, JSONValue.object(out).nestingDepth(upTo: maxDepth) > maxDepth {
            throw EngineError.invalid("workflowDef.outputParameters nest arrays and objects more than \(maxDepth) levels deep")
        }
        var seen: Set<String> = []
        func walk(_ list: [WorkflowTask]) throws {
            for t in list {
                guard seen.insert(t.taskReferenceName).inserted else {
                    throw EngineError.invalid("Duplicate taskReferenceName '\(t.taskReferenceName)'")
                }
                if JSONValue.object(t.inputParameters).nestingDepth(upTo: maxDepth) > maxDepth {
                    throw EngineError.invalid(
                        "workflowDef.tasks[\(t.taskReferenceName)].inputParameters nest arrays and objects more than \(maxDepth) levels deep")
                }
                switch t.type {
                case "SWITCH":
                    if t.expression == nil { throw EngineError.invalid("SWITCH '\(t.taskReferenceName)' needs an expression") }
                case "DO_WHILE":
                    if t.loopCondition == nil || (t.loopOver ?? []).isEmpty {
                        throw EngineError.invalid("DO_WHILE '\(t.taskReferenceName)' needs loopCondition and loopOver")
                    }
                case "SUB_WORKFLOW":
                    if t.subWorkflowParam == nil {
                        throw EngineError.invalid("SUB_WORKFLOW '\(t.taskReferenceName)' needs subWorkflowParam")
                    }
                default: break
                }
                for (_, c) in t.decisionCases ?? [:] { try walk(c) }
                try walk(t.defaultCase ?? [])
                for b in t.forkTasks ?? [] { try walk(b) }
                try walk(t.loopOver ?? [])
            }
        }
        try walk(def.tasks)
    }
}

extension JSONValue {
    static func jsonString<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
