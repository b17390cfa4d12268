import ConductorClient
import Workflow

/// A started execution: stream its events (from any process, at any time), answer its questions, control it.
///
/// ```swift
/// let handle = AgentHandle(executionID: "6f1c…", runtime: runtime)
/// for try await event in handle.stream() { … }
/// ```
public struct AgentHandle: Sendable {
    /// The execution id (Agentspan's SDKs call it `workflow_id`).
    public let executionID: String
    public let runtime: AgentRuntime

    public init(executionID: String, runtime: AgentRuntime) {
        self.executionID = executionID
        self.runtime = runtime
    }

    /// Events after `lastEventID` (all of them by default), then live ones, until the execution ends.
    public func stream(after lastEventID: Int = 0) -> AsyncThrowingStream<AgentEvent, any Error> {
        let events = runtime.client.events(executionID: executionID, after: lastEventID)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await event in events { continuation.yield(event) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Current status, with the pending tool while the execution waits for a human.
    public func status() async throws -> AgentStatusResponse {
        try await runtime.client.status(executionID: executionID)
    }

    /// Approves the waiting step.
    public func approve() async throws {
        try await respond(["approved": true])
    }

    /// Rejects the waiting step with a reason the agent sees.
    public func reject(reason: String) async throws {
        try await respond(["approved": false, "reason": .string(reason)])
    }

    /// Answers the waiting step with any JSON object (`{"selected": "billing"}`, `{"response": "…"}` …).
    public func respond(_ body: [String: JSONValue]) async throws {
        try await runtime.client.respond(executionID: executionID, body)
    }

    /// Terminates the execution.
    public func cancel(reason: String? = nil) async throws {
        try await runtime.client.cancel(executionID: executionID, reason: reason)
    }

    /// Lets the agent finish after its current iteration. As Agentspan's SDKs do, it also sends the message
    /// `{"_signal": "stop"}`, so an agent waiting for a message (a `pull_workflow_messages` tool) wakes up and ends;
    /// that send is best effort (the agent may have no such tool, or have ended).
    public func stop() async throws {
        try await runtime.client.stop(executionID: executionID)
        _ = try? await runtime.client.conductor.sendMessage(workflowID: executionID, ["_signal": "stop"])
    }

    /// Sends a message to the execution's message queue, where the agent's `pull_workflow_messages` tool receives
    /// it (now, when it is waiting; else on its next call). A JSON object is sent as it is; any other value as
    /// `{"message": value}`, as Agentspan's `send_message` does. Returns the message id.
    @discardableResult
    public func send(_ message: JSONValue) async throws -> String {
        try await runtime.client.conductor.sendMessage(workflowID: executionID, Self.messagePayload(message))
    }

    /// Sends several messages in one request, queued in this order (each as ``send(_:)`` would send it). Needs an
    /// agentspanc server (Conductor takes one message per request). Returns their ids.
    @discardableResult
    public func sendAll(_ messages: [JSONValue]) async throws -> [String] {
        try await runtime.client.conductor.sendMessages(workflowID: executionID, messages.map(Self.messagePayload))
    }

    /// A JSON object as it is; any other value as `{"message": value}`.
    static func messagePayload(_ message: JSONValue) -> [String: JSONValue] {
        if case .object(let object) = message { return object }
        return ["message": message]
    }

    /// Injects a message the agent sees on every following iteration.
    public func signal(_ message: String) async throws {
        try await runtime.client.signal(executionID: executionID, message: message)
    }

    public func pause() async throws { try await runtime.client.pause(executionID: executionID) }
    public func resume() async throws { try await runtime.client.resume(executionID: executionID) }

    /// Waits for the execution to end and returns its outcome.
    public func result() async throws -> AgentResult {
        for try await _ in stream() {}
        var status = try await status()
        var delay = 50
        while !status.isComplete {
            try await Task.sleep(for: .milliseconds(delay))
            delay = min(delay * 2, 1000)
            status = try await self.status()
        }
        return AgentResult(
            executionID: executionID, status: status.status, output: status.output ?? [:], reason: status.reasonForIncompletion)
    }

    /// Waits at most `timeout` for the execution to end (the execution itself keeps running after a time-out).
    /// Throws ``AgentHandle/TimeoutError`` when it has not ended by then.
    public func result(timeout: Duration) async throws -> AgentResult {
        try await withThrowingTaskGroup(of: AgentResult?.self) { group in
            group.addTask { try await self.result() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw TimeoutError(executionID: executionID, timeout: timeout)
            }
            return result
        }
    }

    /// The execution did not end within the time a caller was willing to wait.
    public struct TimeoutError: Error, CustomStringConvertible {
        public var executionID: String
        public var timeout: Duration
        public var description: String { "execution \(executionID) did not end within \(timeout)" }
    }
}
