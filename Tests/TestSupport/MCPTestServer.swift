import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Workflow

/// A Model Context Protocol server on 127.0.0.1 speaking the streamable HTTP transport, for tests: `initialize`
/// hands out a session id that later requests must carry; `tools/list` is paged (the second page arrives as an SSE
/// stream); `tools/call` answers as SSE. Tools: `lookup_order(order_id)` returns JSON text, `broken` reports
/// `isError`. With `requiredAuthorization`, requests without that `Authorization` header get HTTP 401.
public final class MCPTestServer: Sendable {
    public let url: String
    private let task: Task<Void, any Error>
    private let log: CallLog

    /// Every `tools/call` request's params, in order.
    public var toolCalls: [JSONValue] { log.calls.withLock { $0 } }

    private final class CallLog: Sendable {
        let calls = Mutex<[JSONValue]>([])
    }

    public static func start(requiredAuthorization: String? = nil) async throws -> MCPTestServer {
        let log = CallLog()
        let router = Router()
        router.post("mcp") { request, _ -> Response in
            if let requiredAuthorization, request.headers[.authorization] != requiredAuthorization {
                return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: "bad token")))
            }
            let body = try await request.body.collect(upTo: 1 << 20)
            let message = try JSONValue.parse(String(buffer: body))
            let id = message["id"]
            let session = request.headers[HTTPField.Name("Mcp-Session-Id")!]
            func json(_ value: JSONValue, headers: HTTPFields = [:]) -> Response {
                var fields = headers
                fields[.contentType] = "application/json"
                return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.jsonText())))
            }
            func sse(_ value: JSONValue) -> Response {
                let text = "event: message\ndata: \(value.jsonText())\n\n"
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            switch message["method"].stringValue {
            case "initialize":
                var headers = HTTPFields()
                headers[HTTPField.Name("Mcp-Session-Id")!] = "session-7"
                return json(["jsonrpc": "2.0", "id": id, "result": [
                    "protocolVersion": "2025-03-26", "capabilities": ["tools": [:]], "serverInfo": ["name": "orders", "version": "1"],
                ]], headers: headers)
            case "notifications/initialized":
                return Response(status: .accepted)
            case _ where session != "session-7":
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "missing session")))
            case "tools/list":
                if message["params"]["cursor"].stringValue == "page-2" {
                    return sse(["jsonrpc": "2.0", "id": id, "result": ["tools": [
                        ["name": "broken", "inputSchema": ["type": "object", "properties": [:]]],
                    ]]])
                }
                return json(["jsonrpc": "2.0", "id": id, "result": ["nextCursor": "page-2", "tools": [[
                    "name": "lookup_order", "description": "Look up an order.",
                    "inputSchema": ["type": "object", "properties": ["order_id": ["type": "string"]], "required": ["order_id"]],
                ]]]])
            case "tools/call":
                log.calls.withLock { $0.append(message["params"]) }
                if message["params"]["name"] == "broken" {
                    return sse(["jsonrpc": "2.0", "id": id, "result": ["isError": true, "content": [["type": "text", "text": "database offline"]]]])
                }
                let order = message["params"]["arguments"]["order_id"].stringValue ?? "?"
                let text = JSONValue.object(["order_id": .string(order), "status": "shipped"]).jsonText()
                return sse(["jsonrpc": "2.0", "id": id, "result": ["content": [["type": "text", "text": .string(text)]]]])
            default:
                return json(["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": "Method not found"]])
            }
        }
        let (port, task) = try await startLoopbackApplication(router, label: "mcp-test-server")
        return MCPTestServer(url: "http://127.0.0.1:\(port)/mcp", task: task, log: log)
    }

    private init(url: String, task: Task<Void, any Error>, log: CallLog) {
        self.url = url
        self.task = task
        self.log = log
    }

    public func stop() { task.cancel() }
}
