import AsyncHTTPClient
import Foundation
import NIOCore
import Workflow

/// A client for the Conductor REST API (`/api/...`) as served by Conductor OSS, Orkes, Agentspan and the
/// embedded agentspanc server: the worker protocol (poll, update, lease extension), metadata registration and
/// workflow start/read.
///
/// The client is a value type around one long-lived `HTTPClient`; copies share its connection pool.
public struct ConductorClient: Sendable {
    /// Server root without the `/api` suffix, e.g. `http://localhost:6767`.
    public let baseURL: String
    /// API key sent as `X-Authorization` and `Authorization: Bearer` when set.
    public let apiKey: String?
    /// Deadline for ordinary requests; polls add their long-poll time to it.
    public var requestTimeout: Duration = .seconds(30)

    let httpClient: HTTPClient

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: The server address, with or without a trailing `/api` (both `http://host:6767` and
    ///     `http://host:8080/api` work).
    ///   - apiKey: Sent as `X-Authorization: <key>` and `Authorization: Bearer <key>` when set.
    ///   - httpClient: The HTTP client to use; ``defaultHTTPClient`` (fails fast when the server is down) by
    ///     default. `HTTPClient.shared` also works, but it silently retries refused connections until each
    ///     request's deadline, which hides an unreachable server for 30 s per call.
    public init(baseURL: String, apiKey: String? = nil, httpClient: HTTPClient = ConductorClient.defaultHTTPClient) {
        var root = baseURL
        while root.hasSuffix("/") { root.removeLast() }
        if root.hasSuffix("/api") { root.removeLast(4) }
        self.baseURL = root
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.httpClient = httpClient
    }

    /// A process-wide HTTP client for Conductor traffic, never shut down: a 2 s connect timeout, no hidden
    /// retries of refused connections (callers back off and log instead), and room for many concurrent long
    /// polls per host (AsyncHTTPClient's default of 8 connections would queue results behind polls).
    public static let defaultHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(2)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    // MARK: Worker protocol

    /// Batch long-poll: `GET /api/tasks/poll/batch/{taskType}`. Returns up to `count` tasks, waiting up to
    /// `timeoutMs` on the server for the first one; an empty array when there is nothing to do.
    public func pollBatch(
        taskType: String, workerID: String, domain: String? = nil, count: Int, timeoutMs: Int = 100
    ) async throws -> [ConductorTask] {
        var query = [("workerid", workerID), ("count", String(count)), ("timeout", String(timeoutMs))]
        if let domain, !domain.isEmpty { query.append(("domain", domain)) }
        let response = try await send(
            .GET, "/api/tasks/poll/batch/\(Self.pathComponent(taskType))", query: query,
            timeout: requestTimeout + .milliseconds(timeoutMs))
        if response.status == 204 || response.body.isEmpty { return [] }
        return try decode([ConductorTask].self, from: response, request: "GET /api/tasks/poll/batch")
    }

    /// Reports a task result (or a lease-extension heartbeat): `POST /api/tasks`.
    public func updateTask(_ result: TaskResult) async throws {
        _ = try await send(.POST, "/api/tasks", body: try Self.encoder.encode(result))
    }

    /// Reports a task result and receives the next task of the same type: `POST /api/tasks/update-v2`.
    /// Returns `nil` when the server has no next task (204). Throws a ``ConductorClientError`` with
    /// ``ConductorClientError/isEndpointMissing`` when the server does not implement v2; callers then fall
    /// back to ``updateTask(_:)``.
    public func updateTaskV2(_ result: TaskResult) async throws -> ConductorTask? {
        let response = try await send(.POST, "/api/tasks/update-v2", body: try Self.encoder.encode(result))
        if response.status == 204 || response.body.isEmpty { return nil }
        return try decode(ConductorTask.self, from: response, request: "POST /api/tasks/update-v2")
    }

    /// One task attempt: `GET /api/tasks/{taskId}`.
    public func task(id: String) async throws -> ConductorTask {
        let response = try await send(.GET, "/api/tasks/\(Self.pathComponent(id))")
        return try decode(ConductorTask.self, from: response, request: "GET /api/tasks/{id}")
    }

    // MARK: Metadata

    /// Returns when the server answers `GET /health`; throws ``ConductorClientError`` when it cannot be reached.
    public func checkHealth() async throws {
        _ = try await send(.GET, "/health", timeout: .seconds(10))
    }

    /// Creates or overwrites task definitions: `POST /api/metadata/taskdefs`.
    public func registerTaskDefs(_ defs: [TaskDef]) async throws {
        _ = try await send(.POST, "/api/metadata/taskdefs", body: try Self.encoder.encode(defs))
    }

    /// All task definitions: `GET /api/metadata/taskdefs`.
    public func taskDefs() async throws -> [TaskDef] {
        let response = try await send(.GET, "/api/metadata/taskdefs")
        return try decode([TaskDef].self, from: response, request: "GET /api/metadata/taskdefs")
    }

    /// Registers a workflow definition: `POST /api/metadata/workflow?overwrite=…`. Without `overwrite` an
    /// existing name and version is a 409 conflict.
    public func registerWorkflowDef(_ def: WorkflowDef, overwrite: Bool = true) async throws {
        _ = try await send(
            .POST, "/api/metadata/workflow", query: [("overwrite", overwrite ? "true" : "false")],
            body: try Self.encoder.encode(def))
    }

    /// The latest version of a workflow definition: `GET /api/metadata/workflow/{name}`; nil when there is none.
    public func workflowDef(name: String) async throws -> WorkflowDef? {
        do {
            let response = try await send(.GET, "/api/metadata/workflow/\(Self.pathComponent(name))")
            return try decode(WorkflowDef.self, from: response, request: "GET /api/metadata/workflow/{name}")
        } catch let error as ConductorClientError where error.status == 404 {
            return nil
        }
    }

    // MARK: Workflows

    /// Starts a workflow (by name, or with an inline `workflowDef`): `POST /api/workflow`. Returns its id.
    public func startWorkflow(_ request: StartWorkflowRequest) async throws -> String {
        let response = try await send(.POST, "/api/workflow", body: try Self.encoder.encode(request))
        var id = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // Some servers answer with a JSON string rather than text/plain.
        if id.hasPrefix("\""), let decoded = try? JSONDecoder().decode(String.self, from: Data(id.utf8)) {
            id = decoded
        }
        return id
    }

    /// A workflow execution: `GET /api/workflow/{id}?includeTasks=…`.
    public func workflow(id: String, includeTasks: Bool = true) async throws -> WorkflowExecution {
        let response = try await send(
            .GET, "/api/workflow/\(Self.pathComponent(id))", query: [("includeTasks", includeTasks ? "true" : "false")])
        return try decode(WorkflowExecution.self, from: response, request: "GET /api/workflow/{id}")
    }

    // MARK: Transport

    struct Response {
        var status: Int
        var body: Data
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// Largest response body accepted (a batch of tasks with big inputs fits easily).
    private static let maxResponseBytes = 64 * 1024 * 1024

    enum Method: String {
        case GET, POST, PUT, DELETE
    }

    func send(
        _ method: Method, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        timeout: Duration? = nil
    ) async throws -> Response {
        let label = "\(method.rawValue) \(path)"
        var url = baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(Self.queryValue($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        switch method {
        case .GET: request.method = .GET
        case .POST: request.method = .POST
        case .PUT: request.method = .PUT
        case .DELETE: request.method = .DELETE
        }
        request.headers.add(name: "Accept", value: "application/json, text/plain")
        authorize(&request)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        let deadline = timeout ?? requestTimeout
        let status: Int
        let data: Data
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(deadline.nanoseconds)))
            status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
            data = Data(buffer.readableBytesView)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw ConductorClientError(status: nil, message: transportFailure(error, deadline: deadline), request: label)
        }
        guard (200..<300).contains(status) else {
            throw ConductorClientError(status: status, message: Self.errorMessage(data), request: label)
        }
        return Response(status: status, body: data)
    }

    /// A transport failure in words a user can act on (the common ones), else the error's own description.
    func transportFailure(_ error: any Error, deadline: Duration) -> String {
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED {
            return "cannot connect to \(baseURL): connection refused (is the server running?)"
        }
        if let http = error as? HTTPClientError {
            switch http {
            case .connectTimeout: return "cannot connect to \(baseURL): timed out"
            case .deadlineExceeded: return "no answer from \(baseURL) within \(deadline)"
            case .remoteConnectionClosed: return "\(baseURL) closed the connection before answering"
            default: break
            }
        }
        return String(describing: error)
    }

    func decode<T: Decodable>(_ type: T.Type, from response: Response, request: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            let snippet = String(decoding: response.body.prefix(300), as: UTF8.self)
            throw ConductorClientError(
                status: response.status, message: "unreadable response (\(error)): \(snippet)", request: request)
        }
    }

    /// Adds the API key headers (Conductor's `X-Authorization` and a bearer token) when a key is set.
    func authorize(_ request: inout HTTPClientRequest) {
        guard let apiKey else { return }
        request.headers.add(name: "X-Authorization", value: apiKey)
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
    }

    /// The `message` of a Conductor `ErrorResponse` (or the `error` of an Agentspan one), else the body text.
    static func errorMessage(_ body: Data) -> String {
        struct ErrorResponse: Decodable {
            var message: String?
            var error: String?
        }
        if let decoded = try? JSONDecoder().decode(ErrorResponse.self, from: body),
            let message = decoded.message ?? decoded.error
        {
            return message
        }
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }

    private static let pathAllowed: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "/?#")
        return set
    }()

    private static let queryAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+#")
        return set
    }()

    static func pathComponent(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? value
    }

    static func queryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? value
    }
}

extension Duration {
    /// Whole nanoseconds (saturating), for NIO's `TimeAmount`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return product &+ attoseconds / 1_000_000_000
    }
}
