import Foundation
import Workflow

extension ConductorClient {
    /// Pushes one message into a running workflow's message queue: `POST /api/workflow/{id}/messages` (Conductor's
    /// workflow message queue, where a PULL_WORKFLOW_MESSAGES task takes it). Returns the message id the server gave
    /// it. A workflow that is not running answers 409, an unknown one 404 (also a server without the queue).
    public func sendMessage(workflowID: String, _ payload: [String: JSONValue]) async throws -> String {
        let response = try await send(
            .POST, "/api/workflow/\(Self.pathComponent(workflowID))/messages", body: try JSONEncoder().encode(payload))
        return String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Pushes several messages in one request, as a JSON array: an agentspanc server queues them in order in one
    /// transaction and answers with their ids. (Conductor itself takes one message per request.)
    public func sendMessages(workflowID: String, _ payloads: [[String: JSONValue]]) async throws -> [String] {
        let path = "/api/workflow/\(Self.pathComponent(workflowID))/messages"
        let response = try await send(.POST, path, body: try JSONEncoder().encode(payloads))
        return try decode([String].self, from: response, request: "POST /api/workflow/{id}/messages")
    }
}
