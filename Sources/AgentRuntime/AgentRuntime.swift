import ConductorClient
import Foundation
import Workflow

/// Runs agents on an agentspanc (or Agentspan) server: as a black box (`run`), step by step (`stream`), or
/// detached (`start`, then `AgentHandle.stream()` from anywhere).
///
/// ```swift
/// let runtime = AgentRuntime()
/// for try await event in runtime.stream(agent, "The payments service is throwing 503s. Investigate and fix it.") {
///     print(EventRenderer().render(event) ?? "")
/// }
/// ```
public struct AgentRuntime: Sendable {
    /// The agent API client underneath.
    public let client: AgentClient

    /// `serverURL` defaults to `AGENTSPAN_SERVER_URL`, then `http://localhost:6767`; `apiKey` to `AGENTSPAN_API_KEY`.
    public init(serverURL: String? = nil, apiKey: String? = nil) {
        self.client = AgentClient(serverURL: serverURL, apiKey: apiKey)
    }

    /// Options of one execution.
    public struct StartOptions: Sendable {
        public var sessionID: String?
        public var context: [String: JSONValue]?
        /// A running or completed execution started with the same key is returned instead of a new one.
        public var idempotencyKey: String?
        public var media: [String]?
        public var timeoutSeconds: Int?

        public init(
            sessionID: String? = nil, context: [String: JSONValue]? = nil, idempotencyKey: String? = nil,
            media: [String]? = nil, timeoutSeconds: Int? = nil
        ) {
            self.sessionID = sessionID
            self.context = context
            self.idempotencyKey = idempotencyKey
            self.media = media
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// Compiles, registers and starts the agent; returns at once with a handle.
    public func start(_ agent: Agent, _ prompt: String, options: StartOptions = .init()) async throws -> AgentHandle {
        let request = AgentStartRequest(
            agentConfig: agent.wireConfig, prompt: prompt, sessionId: options.sessionID, media: options.media,
            context: options.context, idempotencyKey: options.idempotencyKey, timeoutSeconds: options.timeoutSeconds)
        let response = try await client.start(request)
        guard let id = response.executionId else {
            throw ConductorClientError(
                status: nil, message: "the server started \(agent.name) but returned no execution id", request: "POST /api/agent/start")
        }
        return AgentHandle(executionID: id, runtime: self)
    }

    /// Starts the agent and yields its events as they happen, ending with `done` (or the execution's error).
    public func stream(_ agent: Agent, _ prompt: String, options: StartOptions = .init()) -> AsyncThrowingStream<AgentEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let handle = try await start(agent, prompt, options: options)
                    for try await event in handle.stream() { continuation.yield(event) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Starts the agent and waits for its result.
    public func run(_ agent: Agent, _ prompt: String, options: StartOptions = .init()) async throws -> AgentResult {
        try await start(agent, prompt, options: options).result()
    }

    /// Registers the agent on the server without starting it.
    public func deploy(_ agent: Agent) async throws -> AgentStartResponse {
        try await client.deploy(AgentStartRequest(agentConfig: agent.wireConfig))
    }
}
