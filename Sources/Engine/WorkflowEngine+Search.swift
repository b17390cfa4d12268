import Foundation
import GRDB
import Workflow

/// Filters and paging of ``WorkflowEngine/searchExecutions(_:)``.
public struct ExecutionSearchQuery: Sendable, Hashable {
    /// Exact workflow (agent) name.
    public var name: String?
    /// Any of these statuses; empty means every status.
    public var statuses: [WorkflowStatus] = []
    /// Created at or after this time (epoch milliseconds).
    public var from: Int64?
    /// Created at or before this time (epoch milliseconds).
    public var to: Int64?
    /// Case-insensitive text the input (prompt) or the output contains.
    public var text: String?
    /// Only top-level executions (sub-agent executions hidden).
    public var rootOnly = false
    /// Only these executions (the live feed asks for the rows that changed).
    public var ids: [String]?
    /// Rows skipped (paging).
    public var start = 0
    /// Rows returned, at most 1,000.
    public var size = 20

    public init() {}
}

/// One execution of a search: its summary and the LLM usage of it and all its sub-workflows.
public struct ExecutionSummary: Sendable, Hashable {
    public var id: String
    public var name: String
    public var version: Int
    public var status: WorkflowStatus
    public var rootID: String
    public var parentID: String?
    public var createTime: Int64
    public var startTime: Int64?
    public var endTime: Int64?
    public var updateTime: Int64?
    /// The input's `prompt` when it is text.
    public var prompt: String?
    /// The output's `result` as JSON text (a string result is a JSON string).
    public var result: String?
    public var reasonForIncompletion: String?
    public var correlationID: String?
    /// Sums over the LLM tasks of the execution and its sub-workflows (at any depth).
    public var promptTokens = 0
    public var completionTokens = 0
    public var totalTokens = 0
    /// `provider/model` of those LLM tasks, sorted.
    public var models: [String] = []
    /// Direct sub-workflow executions.
    public var subExecutions = 0
}

/// A page of a search and how many executions match in all.
public struct ExecutionSearchPage: Sendable, Hashable {
    public var totalHits: Int
    public var results: [ExecutionSummary]
}

extension WorkflowEngine {
    /// Executions matching `query`, newest first, with totals over the whole match.
    ///
    /// Three statements in one read, whatever the page size: the count, the page (its rows picked by an index
    /// before any field is read, then fields read with `json_extract`, so the stored definition is never decoded),
    /// and the token and model sums of the page's
    /// executions through their sub-workflow trees (one recursive query over `execution(parent_id, create_time)`).
    public func searchExecutions(_ query: ExecutionSearchQuery) async throws -> ExecutionSearchPage {
        try await read { db in
            var conditions: [String] = []
            var args: [any DatabaseValueConvertible] = []
            if let name = query.name, !name.isEmpty {
                conditions.append("name = ?")
                args.append(name)
            }
            if !query.statuses.isEmpty {
                conditions.append("status IN (\(Array(repeating: "?", count: query.statuses.count).joined(separator: ",")))")
                args.append(contentsOf: query.statuses.map(\.rawValue))
            }
            if let from = query.from {
                conditions.append("create_time >= ?")
                args.append(from)
            }
            if let to = query.to {
                conditions.append("create_time <= ?")
                args.append(to)
            }
            if query.rootOnly { conditions.append("parent_id IS NULL") }
            if let ids = query.ids {
                guard !ids.isEmpty else { return ExecutionSearchPage(totalHits: 0, results: []) }
                conditions.append("id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ",")))")
                args.append(contentsOf: ids)
            }
            if let text = query.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                let pattern = "%" + Self.escapeLike(text) + "%"
                conditions.append(
                    "(json_extract(json, '$.execution.input') LIKE ? ESCAPE '\\' OR json_extract(json, '$.execution.output') LIKE ? ESCAPE '\\')")
                args.append(pattern)
                args.append(pattern)
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            // A lookup by ids (the live feed) needs no count.
            let total =
                query.ids != nil
                ? 0 : try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution" + filter, arguments: StatementArguments(args)) ?? 0
            let size = min(max(query.size, 0), 1_000)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, name, status, root_id, parent_id, create_time,
                        json_extract(json, '$.execution.workflowVersion') AS version,
                        json_extract(json, '$.execution.startTime') AS start_time,
                        json_extract(json, '$.execution.endTime') AS end_time,
                        json_extract(json, '$.execution.updateTime') AS update_time,
                        json_extract(json, '$.execution.input.prompt') AS prompt,
                        json_quote(json_extract(json, '$.execution.output.result')) AS result,
                        json_extract(json, '$.execution.reasonForIncompletion') AS reason,
                        json_extract(json, '$.execution.correlationId') AS correlation
                    FROM execution WHERE rowid IN (
                        SELECT rowid FROM execution\(filter) ORDER BY create_time DESC, rowid DESC LIMIT ? OFFSET ?)
                    ORDER BY create_time DESC, rowid DESC
                    """,
                arguments: StatementArguments(args + [size, max(query.start, 0)]))
            var results = rows.map { row -> ExecutionSummary in
                let prompt: String? = row["prompt"]
                let result: String? = row["result"]
                return ExecutionSummary(
                    id: row["id"], name: row["name"], version: row["version"] ?? 1,
                    status: WorkflowStatus(rawValue: row["status"]) ?? .running, rootID: row["root_id"], parentID: row["parent_id"],
                    createTime: row["create_time"], startTime: row["start_time"], endTime: row["end_time"],
                    updateTime: row["update_time"], prompt: prompt, result: result == "null" ? nil : result,
                    reasonForIncompletion: row["reason"], correlationID: row["correlation"])
            }
            let totalHits = query.ids != nil ? rows.count : total
            guard !results.isEmpty else { return ExecutionSearchPage(totalHits: totalHits, results: []) }
            let ids = results.map(\.id)
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let usage = try Row.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE tree(top, id) AS (
                        SELECT id, id FROM execution WHERE id IN (\(marks))
                        UNION ALL SELECT tree.top, e.id FROM execution e JOIN tree ON e.parent_id = tree.id)
                    SELECT tree.top AS top,
                        COALESCE(SUM(json_extract(t.json, '$.outputData.promptTokens')), 0) AS prompt,
                        COALESCE(SUM(json_extract(t.json, '$.outputData.completionTokens')), 0) AS completion,
                        COALESCE(SUM(json_extract(t.json, '$.outputData.tokenUsed')), 0) AS total,
                        GROUP_CONCAT(DISTINCT json_extract(t.json, '$.inputData.llmProvider') || '/'
                            || json_extract(t.json, '$.inputData.model')) AS models
                    FROM tree JOIN task t ON t.workflow_id = tree.id
                    WHERE json_extract(t.json, '$.taskType') = 'LLM_CHAT_COMPLETE'
                    GROUP BY tree.top
                    """,
                arguments: StatementArguments(ids))
            let children = try Row.fetchAll(
                db, sql: "SELECT parent_id, COUNT(*) AS n FROM execution WHERE parent_id IN (\(marks)) GROUP BY parent_id",
                arguments: StatementArguments(ids))
            var byID: [String: Int] = [:]
            for (i, id) in ids.enumerated() { byID[id] = i }
            for row in usage {
                guard let i = byID[row["top"]] else { continue }
                results[i].promptTokens = row["prompt"]
                results[i].completionTokens = row["completion"]
                let total: Int = row["total"]
                results[i].totalTokens = total > 0 ? total : results[i].promptTokens + results[i].completionTokens
                let models: String? = row["models"]
                results[i].models = (models ?? "").split(separator: ",").map(String.init).sorted()
            }
            for row in children {
                if let i = byID[row["parent_id"]] { results[i].subExecutions = row["n"] }
            }
            return ExecutionSearchPage(totalHits: totalHits, results: results)
        }
    }

    /// `%`, `_` and `\` matched literally by `LIKE … ESCAPE '\'`.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

extension WorkflowEngine {
    /// The task type of each of these task ids that exists (one indexed read).
    public func taskTypes(ids: [String]) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, json_extract(json, '$.taskType') AS type FROM task WHERE id IN (\(marks))",
                arguments: StatementArguments(ids))
            var types: [String: String] = [:]
            for row in rows { types[row["id"]] = row["type"] }
            return types
        }
    }
}
