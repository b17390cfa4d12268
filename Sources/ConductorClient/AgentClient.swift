import AsyncHTTPClient
import Foundation
import Workflow

/// Client of the Agentspan agent API (`/api/agent/...`) of an agentspanc, Agentspan or compatible server.
public struct AgentClient: Sendable {
    /// The Conductor client whose transport (auth, timeouts, errors) this client shares.
    public let conductor: ConductorClient

    /// Server root without `/api`, e.g. `http://localhost:6767`.
    public var baseURL: String { conductor.baseURL }
    public var apiKey: String? { conductor.apiKey }

    /// `serverURL` defaults to `AGENTSPAN_SERVER_URL`, then `http://localhost:6767`; a trailing `/api` is accepted.
    public init(serverURL: String? = nil, apiKey: String? = nil, httpClient: HTTPClient = ConductorClient.defaultHTTPClient) {
        let environment = ProcessInfo.processInfo.environment
        conductor = ConductorClient(
            baseURL: serverURL ?? environment["AGENTSPAN_SERVER_URL"] ?? "http://localhost:6767",
            apiKey: apiKey ?? environment["AGENTSPAN_API_KEY"], httpClient: httpClient)
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
        _ = try await conductor.send(.POST, "/api/agent/\(escape(executionID))/respond", body: try encode(body))
    }

    /// Asks the agent loop to finish after the current iteration.
    public func stop(executionID: String) async throws {
        _ = try await conductor.send(.POST, "/api/agent/\(escape(executionID))/stop", body: Data("{}".utf8))
    }

    /// Injects a message the agent sees on every following iteration.
    public func signal(executionID: String, message: String) async throws {
        _ = try await conductor.send(.POST, "/api/agent/\(escape(executionID))/signal", body: try encode(["message": message]))
    }

    public func pause(executionID: String) async throws {
        _ = try await conductor.send(.PUT, "/api/agent/\(escape(executionID))/pause", body: Data("{}".utf8))
    }

    public func resume(executionID: String) async throws {
        _ = try await conductor.send(.PUT, "/api/agent/\(escape(executionID))/resume", body: Data("{}".utf8))
    }

    /// Terminates an execution.
    public func cancel(executionID: String, reason: String? = nil) async throws {
        _ = try await conductor.send(
            .DELETE, "/api/agent/\(escape(executionID))/cancel", query: reason.map { [("reason", $0)] } ?? [])
    }

    /// Agents deployed on the server, latest version each.
    public func agents() async throws -> [AgentSummary] {
        try await call(.GET, "/api/agent/list")
    }

    /// Executions, newest first: optionally of one agent and in one status.
    public func executions(agentName: String? = nil, status: WorkflowStatus? = nil, limit: Int = 20) async throws
        -> AgentExecutionSearch
    {
        var query: [(String, String)] = [("start", "0"), ("size", String(limit)), ("sort", "startTime:DESC")]
        if let agentName { query.append(("agentName", agentName)) }
        if let status { query.append(("status", status.rawValue)) }
        let response = try await conductor.send(.GET, "/api/agent/executions", query: query, timeout: .seconds(60))
        return try conductor.decode(AgentExecutionSearch.self, from: response, request: "GET /api/agent/executions")
    }

    /// The Conductor workflow of an execution, with its tasks.
    public func workflow(executionID: String) async throws -> WorkflowExecution {
        try await conductor.workflow(id: executionID, includeTasks: true)
    }

    // MARK: - Plumbing

    func escape(_ text: String) -> String { ConductorClient.pathComponent(text) }

    private func encode<Body: Encodable>(_ body: Body) throws -> Data { try JSONEncoder().encode(body) }

    func call<Response: Decodable>(_ method: ConductorClient.Method, _ path: String) async throws -> Response {
        let response = try await conductor.send(method, path, timeout: .seconds(60))
        return try conductor.decode(Response.self, from: response, request: "\(method.rawValue) \(path)")
    }

    private func call<Body: Encodable, Response: Decodable>(
        _ method: ConductorClient.Method, _ path: String, body: Body
    ) async throws -> Response {
        let response = try await conductor.send(method, path, body: try encode(body), timeout: .seconds(60))
        return try conductor.decode(Response.self, from: response, request: "\(method.rawValue) \(path)")
    }
}

extension AgentClient {
    /// The config of an agent deployed under `name` (its latest version).
    public func agentDefinition(name: String) async throws -> JSONValue {
        try await call(.GET, "/api/agent/\(escape(name))")
    }
}
