import Engine
import Foundation
import Hummingbird
import Workflow

/// Conductor's workflow message queue: `POST /api/workflow/{id}/messages` appends messages to a running execution's
/// queue, where a PULL_WORKFLOW_MESSAGES task takes them.
///
/// A JSON object is one message and is answered as Conductor answers it, with the new message id as `text/plain`; an
/// array of objects is a batch, queued in order in one transaction and answered with the JSON array of their ids.
struct WorkflowMessageRoutes {
    let engine: WorkflowEngine

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.group("api/workflow").post(":id/messages") { request, context in
            var request = request
            let id = try request.parameter("id", context)
            let body = try await request.decodeJSON(JSONValue.self, context: context)
            switch body {
            case .object(let message):
                return Reply.text(try await send([message], to: id)[0])
            case .array(let items):
                guard !items.isEmpty else { throw APIError.badRequest("body: the array is empty; send at least one message") }
                let messages = try items.enumerated().map { i, item in
                    guard case .object(let message) = item else {
                        throw APIError.badRequest("body[\(i)]: expected a JSON object (a message), found \(Self.kind(of: item))")
                    }
                    return message
                }
                return try Reply.json(try await send(messages, to: id))
            default:
                throw APIError.badRequest(
                    "body: expected a JSON object (one message) or an array of JSON objects, found \(Self.kind(of: body)); "
                        + "send text as {\"message\": \"…\"}")
            }
        }
    }

    private func send(_ messages: [[String: JSONValue]], to id: String) async throws -> [String] {
        try await engine.sendMessages(workflowID: id, messages)
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
