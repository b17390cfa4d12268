import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Workflow

/// A Model Context Protocol client over HTTP (the streamable HTTP transport): JSON-RPC 2.0 requests POSTed to the
/// server URL, answered either as JSON or as a short SSE stream carrying the JSON-RPC response.
///
/// Each call opens with `initialize` (and `notifications/initialized`), keeps the `Mcp-Session-Id` the server hands
/// out, then sends the request. Servers that answer `initialize` with an error (some only speak the tool methods,
/// which is all Conductor sends) are called without it.
struct MCPClient: Sendable {
    let client: HTTPClient
    let serverURL: String
    let headers: [String: String]
    var timeout: Duration = .seconds(30)

    /// A failure to talk to the server or a JSON-RPC error.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `tools/list`, following `nextCursor` pages.
    func listTools() async throws -> [JSONValue] {
        let session = await initialize()
        var tools: [JSONValue] = []
        var cursor: String?
        repeat {
            let params: JSONValue = cursor.map { ["cursor": .string($0)] } ?? [:]
            let result = try await call("tools/list", params: params, id: 2, session: session)
            guard let page = result["tools"].arrayValue else {
                throw Failure(description: "tools/list answered without a 'tools' array")
            }
            tools += page
            cursor = result["nextCursor"].stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while cursor != nil && tools.count < 10_000
        return tools
    }

    /// `tools/call`; the result as the server sent it (`content`, `isError`, `structuredContent`).
    func callTool(_ name: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        let session = await initialize()
        return try await call("tools/call", params: ["name": .string(name), "arguments": .object(arguments)], id: 2, session: session)
    }

    /// The session id of a successful handshake; nil when the server has no sessions or no `initialize`.
    private func initialize() async -> String? {
        let params: JSONValue = [
            "protocolVersion": "2025-03-26", "capabilities": [:],
            "clientInfo": ["name": "agentspanc", "version": "1.0"],
        ]
        guard let (_, session) = try? await send(method: "initialize", params: params, id: 1, session: nil) else { return nil }
        _ = try? await post(["jsonrpc": "2.0", "method": "notifications/initialized"], session: session)
        return session
    }

    private func call(_ method: String, params: JSONValue, id: Int, session: String?) async throws -> JSONValue {
        try await send(method: method, params: params, id: id, session: session).result
    }

    private func send(method: String, params: JSONValue, id: Int, session: String?) async throws -> (result: JSONValue, session: String?) {
        let body: JSONValue = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params]
        let (status, contentType, text, newSession) = try await post(body, session: session)
        guard (200..<300).contains(status) else {
            throw Failure(description: "HTTP \(status) from MCP server \(serverURL): \(text.prefix(500))")
        }
        let message = try Self.jsonRPCMessage(text, contentType: contentType, id: id)
        if message["error"] != .null {
            let error = message["error"]
            throw Failure(description: "\(method) failed: \(error["message"].stringValue ?? error.jsonText())")
        }
        guard message["result"] != .null else { throw Failure(description: "\(method): the answer has no result") }
        return (message["result"], newSession ?? session)
    }

    private func post(_ body: JSONValue, session: String?) async throws -> (Int, String, String, String?) {
        var request = HTTPClientRequest(url: serverURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let session { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: session) }
        request.body = .bytes(ByteBuffer(string: body.jsonText()))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
            return (Int(response.status.code), response.headers.first(name: "Content-Type") ?? "", String(buffer: buffer),
                    response.headers.first(name: "Mcp-Session-Id"))
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(description: "cannot reach MCP server \(serverURL): \(error)")
        }
    }

    /// The JSON-RPC response with `id` from a JSON body or an SSE stream of messages.
    static func jsonRPCMessage(_ text: String, contentType: String, id: Int) throws -> JSONValue {
        if contentType.lowercased().contains("text/event-stream") {
            var data: [String] = []
            var messages: [JSONValue] = []
            func flush() {
                if !data.isEmpty, let message = try? JSONValue.parse(data.joined(separator: "\n")) { messages.append(message) }
                data = []
            }
            for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
                if line.isEmpty {
                    flush()
                } else if line.hasPrefix("data:") {
                    data.append(String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces))
                }
            }
            flush()
            if let match = messages.first(where: { $0["id"] == .int(id) }) ?? messages.last(where: { $0["result"] != .null || $0["error"] != .null }) {
                return match
            }
            throw Failure(description: "the MCP server's event stream carried no response")
        }
        do {
            return try JSONValue.parse(text)
        } catch {
            throw Failure(description: "the MCP server's answer is not JSON: \(text.prefix(300))")
        }
    }
}
