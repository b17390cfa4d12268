import Foundation
import Hummingbird
import Workflow

/// `POST /api/agent/events/{executionId}`: a framework worker's event (``FrameworkEvent``) joins the execution's
/// stream. Always 200 for a JSON object, as Agentspan answers: an unknown execution or event type is dropped.
struct FrameworkEventRoutes {
    let hub: AgentEventHub

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.post("api/agent/events/:id") { request, context in
            let id = try request.parameter("id", context)
            var request = request
            let body = try await request.decodeJSON(JSONValue.self, context: context)
            guard let fields = body.objectValue else {
                throw APIError.badRequest("an event must be a JSON object with a 'type'")
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            if let draft = FrameworkEvent.draft(fields, executionID: id, time: now) {
                await hub.push(draft)
            }
            return Reply.ok
        }
    }
}
