import Engine
import Foundation
import Hummingbird
import Workflow

/// `GET /api/agent/executions/search`: executions filtered and paged on the server, with totals, token sums
/// through sub-agents and the models used (docs/api.md, "Execution search").
struct ExecutionSearchRoutes {
    let engine: WorkflowEngine

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.get("api/agent/executions/search") { request, _ in
            let query = try Self.query(from: request)
            let page = try await engine.searchExecutions(query)
            let body: JSONValue = [
                "totalHits": .int(page.totalHits), "start": .int(query.start), "size": .int(query.size),
                "results": .array(page.results.map(Self.json)),
            ]
            return try Reply.json(body)
        }
    }

    /// The query parameters, each checked: a bad one is answered 400 naming it.
    static func query(from request: Request) throws -> ExecutionSearchQuery {
        var query = ExecutionSearchQuery()
        query.name = request.query("agent").flatMap { $0.isEmpty ? nil : $0 }
        if let statuses = request.query("status"), !statuses.isEmpty {
            query.statuses = try statuses.split(separator: ",").map { raw in
                let name = raw.trimmingCharacters(in: .whitespaces).uppercased()
                guard let status = WorkflowStatus(rawValue: name) else {
                    let allowed = WorkflowStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    throw APIError.badRequest("status: unknown status '\(raw)'; expected one or more of \(allowed)")
                }
                return status
            }
        }
        query.from = try integer(request, "from")
        query.to = try integer(request, "to")
        query.text = request.query("q")
        if let ids = request.query("ids"), !ids.isEmpty {
            query.ids = ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let rootOnly = request.query("rootOnly") {
            guard ["true", "false", ""].contains(rootOnly) else { throw APIError.badRequest("rootOnly: expected true or false") }
            query.rootOnly = rootOnly == "true"
        }
        query.start = try integer(request, "start").map(Int.init) ?? 0
        query.size = try integer(request, "size").map(Int.init) ?? 20
        guard query.start >= 0 else { throw APIError.badRequest("start: expected 0 or more") }
        guard (1...1_000).contains(query.size) else { throw APIError.badRequest("size: expected 1 to 1000") }
        return query
    }

    private static func integer(_ request: Request, _ name: String) throws -> Int64? {
        guard let raw = request.query(name), !raw.isEmpty else { return nil }
        guard let value = Int64(raw) else { throw APIError.badRequest("\(name): expected an integer, got '\(raw)'") }
        return value
    }

    /// One row as the API presents it (the live feed sends the same shape).
    static func json(_ row: ExecutionSummary) -> JSONValue {
        var body: [String: JSONValue] = [
            "executionId": .string(row.id), "agentName": .string(row.name), "version": .int(row.version),
            "status": .string(row.status.rawValue), "rootExecutionId": .string(row.rootID),
            "parentExecutionId": row.parentID.map(JSONValue.string) ?? .null, "createTime": .int(Int(row.createTime)),
            "startTime": row.startTime.map { .int(Int($0)) } ?? .null, "endTime": row.endTime.map { .int(Int($0)) } ?? .null,
            "updateTime": row.updateTime.map { .int(Int($0)) } ?? .null,
            "promptFirstLine": row.prompt.map { .string(firstLine($0)) } ?? .null,
            "reasonForIncompletion": row.reasonForIncompletion.flatMap { $0.isEmpty ? nil : JSONValue.string($0) } ?? .null,
            "correlationId": row.correlationID.map(JSONValue.string) ?? .null,
            "tokens": [
                "promptTokens": .int(row.promptTokens), "completionTokens": .int(row.completionTokens),
                "totalTokens": .int(row.totalTokens),
            ],
            "models": .array(row.models.map(JSONValue.string)), "subExecutions": .int(row.subExecutions),
        ]
        body["durationMs"] = row.endTime.map { .int(Int($0 - (row.startTime ?? row.createTime))) } ?? .null
        if let result = row.result, let value = try? JSONValue.parse(result) {
            body["outputFirstLine"] = .string(firstLine(value.stringValue ?? result))
        } else {
            body["outputFirstLine"] = .null
        }
        return .object(body)
    }

    /// The first non-empty line, at most 200 characters.
    static func firstLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 200 ? String(trimmed.prefix(199)) + "…" : trimmed
    }
}
