import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Workflow

/// `GET /api/agent/stream/{id}`: the execution's events as Server-Sent Events.
///
/// First connect replays every event so far; `Last-Event-ID` resumes after that id. Each event is written (and so
/// flushed) as its own chunk; `:heartbeat` comments keep idle connections alive; the response ends after `done` or
/// the workflow's terminal `error`.
struct AgentStreamRoutes {
    let engine: WorkflowEngine
    let hub: AgentEventHub

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.get("api/agent/stream/:id") { request, context in
            let id = try request.parameter("id", context)
            guard try await engine.workflow(id: id, includeTasks: false) != nil else {
                throw APIError.notFound("No such execution: \(id)")
            }
            let header = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.query("lastEventId") ?? ""
            let lastEventID = Int(header.trimmingCharacters(in: .whitespaces)) ?? 0
            let items = hub.subscribe(executionID: id, after: lastEventID)
            return Reply.eventStream(items) { item in
                switch item {
                case .event(_, let frame): frame
                case .heartbeat: nil
                }
            }
        }
    }

    /// `id:<n>` / `event:<type>` / `data:<compact JSON>` / blank line.
    static func frame(_ event: AgentStreamEvent) -> String {
        let data = (try? JSONEncoder.api.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id:\(event.id)\nevent:\(event.type.rawValue)\ndata:\(data)\n\n"
    }
}
