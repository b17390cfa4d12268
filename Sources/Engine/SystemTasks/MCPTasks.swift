import AsyncHTTPClient
import Workflow

/// LIST_MCP_TOOLS and CALL_MCP_TOOL (conductor.md §9): run by the engine against the MCP server named in the task.
///
/// - LIST_MCP_TOOLS: `mcpServer`, `headers` → `{tools: [{name, description, inputSchema}]}`.
/// - CALL_MCP_TOOL: `mcpServer`, `method` (the tool), `arguments`, `headers` → `{content: [{type, text, data?,
///   mimeType?, parsed?}], isError}`; `parsed` is the text read as JSON when it is JSON. A tool's own error is
///   `isError: true` in a COMPLETED task (the model reads it); an unreachable server or a protocol error fails the
///   task (retryable); a missing credential fails it for good.
enum MCPTasks {
    static func listTools(_ input: [String: JSONValue], client: HTTPClient, credentials: CredentialReferences) async -> EngineTaskOutcome {
        await run(input, client: client, credentials: credentials) { mcp in
            let tools = try await mcp.listTools().map { tool -> JSONValue in
                [
                    "name": tool["name"], "description": tool["description"] == .null ? "" : tool["description"],
                    "inputSchema": tool["inputSchema"] == .null ? ["type": "object", "properties": [:]] : tool["inputSchema"],
                ]
            }
            return ["tools": .array(tools)]
        }
    }

    static func callTool(_ input: [String: JSONValue], client: HTTPClient, credentials: CredentialReferences) async -> EngineTaskOutcome {
        guard let name = input[value: "method"].stringValue, !name.isEmpty else {
            return EngineTaskOutcome(status: .failedWithTerminalError, output: [:], reason: "CALL_MCP_TOOL needs 'method' (the tool name)")
        }
        var arguments = input[value: "arguments"].objectValue ?? [:]
        for key in ["__agentspan_ctx__", "_agent_state", "method"] { arguments[key] = nil }
        return await run(input, client: client, credentials: credentials) { mcp in
            let result = try await mcp.callTool(name, arguments: arguments)
            let content = (result["content"].arrayValue ?? []).map { item -> JSONValue in
                var entry: [String: JSONValue] = ["type": item["type"] == .null ? "text" : item["type"]]
                for key in ["text", "data", "mimeType"] where item[key] != .null { entry[key] = item[key] }
                if let text = item["text"].stringValue, let parsed = try? JSONValue.parse(text),
                   parsed.objectValue != nil || parsed.arrayValue != nil {
                    entry["parsed"] = parsed
                }
                return .object(entry)
            }
            var output: [String: JSONValue] = ["content": .array(content), "isError": .bool(result["isError"].boolValue ?? false)]
            if result["structuredContent"] != .null { output["structuredContent"] = result["structuredContent"] }
            return output
        }
    }

    private static func run(
        _ input: [String: JSONValue], client: HTTPClient, credentials: CredentialReferences,
        _ body: (MCPClient) async throws -> [String: JSONValue]
    ) async -> EngineTaskOutcome {
        guard let server = input[value: "mcpServer"].stringValue, !server.isEmpty else {
            return EngineTaskOutcome(status: .failedWithTerminalError, output: [:], reason: "the task needs 'mcpServer' (the MCP server URL)")
        }
        let headers: [String: String]
        do {
            // The client follows no redirects, so the server URL is the only place these headers go.
            headers = try credentials.headers(input[value: "headers"], for: CredentialReferences.Destination(url: server))
        } catch {
            return EngineTaskOutcome(status: .failedWithTerminalError, output: [:], reason: error.description)
        }
        do {
            return EngineTaskOutcome(status: .completed, output: try await body(MCPClient(client: client, serverURL: server, headers: headers)), reason: nil)
        } catch {
            return EngineTaskOutcome(status: .failed, output: [:], reason: "\(error)")
        }
    }
}
