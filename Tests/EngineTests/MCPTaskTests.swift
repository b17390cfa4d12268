import Foundation
import TestSupport
import Testing
import Workflow

@testable import Engine

/// LIST_MCP_TOOLS and CALL_MCP_TOOL against a real MCP server on loopback (sessions, paging, SSE answers).
@Suite struct MCPTaskTests {
    func workflow(_ server: String, authorization: String) throws -> WorkflowDef {
        try decodeDef(
            """
            {"name": "mcp", "tasks": [
              {"name": "LIST_MCP_TOOLS", "taskReferenceName": "list", "type": "LIST_MCP_TOOLS",
               "inputParameters": {"mcpServer": "\(server)", "headers": {"Authorization": "\(authorization)"}}},
              {"name": "call_mcp_tool", "taskReferenceName": "lookup", "type": "CALL_MCP_TOOL",
               "inputParameters": {"mcpServer": "\(server)", "method": "lookup_order", "arguments": {"order_id": "A-1"},
                                   "headers": {"Authorization": "\(authorization)"}}},
              {"name": "call_mcp_tool", "taskReferenceName": "broken", "type": "CALL_MCP_TOOL",
               "inputParameters": {"mcpServer": "\(server)", "method": "broken", "arguments": {},
                                   "headers": {"Authorization": "\(authorization)"}}}],
             "outputParameters": {"tools": "${list.output.tools}", "order": "${lookup.output.content}",
                                  "brokenIsError": "${broken.output.isError}", "brokenText": "${broken.output.content[0].text}"}}
            """)
    }

    @Test func listsEveryPageAndCallsToolsWithTheSessionAndTheSecret() async throws {
        let mcp = try await MCPTestServer.start(requiredAuthorization: "Bearer s3cret")
        defer { mcp.stop() }
        let engine = try await makeEngine(secrets: ["ORDERS_TOKEN": Secret(value: "s3cret", allowedHosts: ["127.0.0.1"])])
        defer { Task { await engine.shutdown() } }
        let id = try await engine.startWorkflow(
            StartWorkflowRequest(name: "mcp", workflowDef: try workflow(mcp.url, authorization: "Bearer #{ORDERS_TOKEN}")))
        let w = try await engine.waitFor(id)
        #expect(w.status == .completed, "\(w.reasonForIncompletion ?? "")")
        let tools = w.output["tools"]?.arrayValue ?? []
        #expect(tools.compactMap { $0["name"].stringValue } == ["lookup_order", "broken"])
        #expect(tools.first?["inputSchema"]["required"] == ["order_id"])
        #expect(tools.last?["description"] == "")
        let content = try #require(w.output["order"]?.arrayValue?.first)
        #expect(content["type"] == "text")
        #expect(content["parsed"] == ["order_id": "A-1", "status": "shipped"])
        // A tool's own failure is an answer for the model, not a failed task.
        #expect(w.output["brokenIsError"] == true)
        #expect(w.output["brokenText"] == "database offline")
        #expect(mcp.toolCalls.map { $0["name"] } == ["lookup_order", "broken"])
        #expect(mcp.toolCalls.first?["arguments"] == ["order_id": "A-1"])
    }

    @Test func anUnreachableServerFailsRetryablyAndAnUnknownSecretForGood() async throws {
        let engine = try await makeEngine()
        defer { Task { await engine.shutdown() } }
        let unreachableID = try await engine.startWorkflow(
            StartWorkflowRequest(name: "mcp", workflowDef: try workflow("http://127.0.0.1:9/mcp", authorization: "none")))
        // Like Conductor's AI tasks, an MCP task without a definition gets retries (3, 2 s apart).
        let unreachable = try await engine.waitFor(unreachableID, timeout: .seconds(20), until: { $0.tasks.count >= 2 })
        #expect(unreachable.tasks.first?.status == .failed)
        #expect(unreachable.tasks.first?.reasonForIncompletion?.contains("cannot reach MCP server http://127.0.0.1:9/mcp") == true)
        #expect(unreachable.tasks.count >= 2 && unreachable.tasks[1].retryCount == 1 && unreachable.tasks[1].referenceTaskName == "list")
        try await engine.terminate(workflowID: unreachableID, reason: "enough")

        let mcp = try await MCPTestServer.start()
        defer { mcp.stop() }
        let secretless = try await engine.waitFor(try await engine.startWorkflow(
            StartWorkflowRequest(name: "mcp", workflowDef: try workflow(mcp.url, authorization: "Bearer #{ORDERS_TOKEN}"))))
        #expect(secretless.tasks.first?.status == .failedWithTerminalError)
        #expect(secretless.tasks.first?.reasonForIncompletion?.contains("--secret ORDERS_TOKEN") == true)
    }
}
