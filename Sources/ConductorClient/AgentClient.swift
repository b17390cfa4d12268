import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Workflow

/// A failed call to the agent API.
public struct AgentClientError: Error, CustomStringConvertible, Sendable {
    /// HTTP status, or nil when the server could not be reached.
    public var status: Int?
    public var message: String

    public init(status: Int?, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String {
        status.map { "HTTP \($0): \(message)" } ?? message
    }
}

/// Client of the Agentspan agent API (`/api/agent/...`) of an agentspanc, Agentspan or compatible server.
public struct AgentClient: Sendable {
    /// Server root without `/api`, e.g. `http://localhost:6767`.
    public let baseURL: String
    public let apiKey: String?
    let httpClient: HTTPClient

    /// `serverURL` defaults to `AGENTSPAN_SERVER_URL`, then `http://localhost:6767`; a trailing `/api` is accepted.
    public init(serverURL: String? = nil, apiKey: String? = nil, httpClient: HTTPClient = ConductorClient.defaultHTTPClient) {
        let environment = ProcessInfo.processInfo.environment
        var url = serverURL ?? environment["AGENTSPAN_SERVER_URL"] ?? "http://localhost:6767"
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix("/api") { url.removeLast(4) }
        self.baseURL = url
        self.apiKey = apiKey ?? environment["AGENTSPAN_API_KEY"]
        self.httpClient = httpClient
    }

    /// Compiles, registers and starts an agent.
    public func start(_ request: AgentStartRequest) async throws -> AgentStartResponse {
        try await call(.POST, "/api/agent/start", body: request)
    }

    /// Compiles and registers an agent without starting it.
    public func deploy(_ request: AgentStartRequest) async throws -> AgentStartResponse {
        try await call(.POST, "/api/agent/deploy", body: request)
    }

    /// Compiles an agent on the server.
    public func compile(_ request: AgentStartRequest) async throws -> AgentCompileResponse {
        try await call(.POST, "/api/agent/compile", body: request)
    }

    /// Status of an execution, with the pending tool while it waits for a human.
    public func status(executionID: String) async throws -> AgentStatusResponse {
        try await call(.GET, "/api/agent/\(escape(executionID))/status")
    }

    /// Completes the waiting HUMAN task of an execution with `body` (`{"approved": true}` …).
    public func respond(executionID: String, _ body: [String: JSONValue]) async throws {
        try await send(.POST, "/api/agent/\(escape(executionID))/respond", body: body)
    }

    /// Asks the agent loop to finish after the current iteration.
    public func stop(executionID: String) async throws {
        try await send(.POST, "/api/agent/\(escape(executionID))/stop", body: [String: String]())
    }

    /// Injects a message the agent sees on every following iteration.
    public func signal(executionID: String, message: String) async throws {
        try await send(.POST, "/api/agent/\(escape(executionID))/signal", body: ["message": message])
    }

    public func pause(executionID: String) async throws {
        try await send(.PUT, "/api/agent/\(escape(executionID))/pause", body: [String: String]())
    }

    public func resume(executionID: String) async throws {
        try await send(.PUT, "/api/agent/\(escape(executionID))/resume", body: [String: String]())
    }

    /// Terminates an execution.
    public func cancel(executionID: String, reason: String? = nil) async throws {
        var path = "/api/agent/\(escape(executionID))/cancel"
        if let reason { path += "?reason=\(escape(reason))" }
        try await send(.DELETE, path, body: Optional<[String: String]>.none)
    }

    /// The Conductor workflow of an execution, with its tasks.
    public func workflow(executionID: String) async throws -> WorkflowExecution {
        try await call(.GET, "/api/workflow/\(escape(executionID))?includeTasks=true")
    }

    // MARK: - Plumbing

    func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    func makeRequest(_ method: HTTPMethod, _ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let apiKey, !apiKey.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
            request.headers.add(name: "X-Authorization", value: apiKey)
        }
        return request
    }

    func call<Response: Decodable>(_ method: HTTPMethod, _ path: String) async throws -> Response {
        try await call(method, path, body: Optional<[String: String]>.none)
    }

    private func call<Body: Encodable, Response: Decodable>(_ method: HTTPMethod, _ path: String, body: Body?) async throws -> Response {
        let data = try await send(method, path, body: body)
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw AgentClientError(status: nil, message: "unexpected response from \(path): \(error)")
        }
    }

    @discardableResult
    private func send<Body: Encodable>(_ method: HTTPMethod, _ path: String, body: Body?) async throws -> Data {
        var request = makeRequest(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .seconds(60))
        } catch {
            throw AgentClientError(status: nil, message: "cannot reach the agentspanc server at \(baseURL): \(error)")
        }
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(buffer.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw AgentClientError(status: Int(response.status.code), message: Self.errorMessage(data))
        }
        return data
    }

    static func errorMessage(_ data: Data) -> String {
        if let body = try? JSONDecoder().decode([String: JSONValue].self, from: data) {
            if let message = body["message"]?.stringValue ?? body["error"]?.stringValue { return message }
        }
        return String(decoding: data.prefix(2000), as: UTF8.self)
    }
}

extension AgentClient {
    /// The config of an agent deployed under `name` (its latest version).
    public func agentDefinition(name: String) async throws -> JSONValue {
        try await call(.GET, "/api/agent/\(escape(name))")
    }
}
