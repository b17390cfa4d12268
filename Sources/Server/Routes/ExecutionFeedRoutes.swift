import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Workflow

/// `GET /api/agent/events`: Server-Sent Events of every execution that changes, server-wide.
///
/// Each `execution` event carries the changed execution's summary, the same JSON as a row of
/// `GET /api/agent/executions/search`; `:heartbeat` comments keep idle connections alive. The stream never ends
/// by itself; a client that reconnects re-reads the search for what it missed.
struct ExecutionFeedRoutes {
    let feed: ExecutionFeed

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.get("api/agent/events") { _, _ in
            let items = await feed.subscribe()
            return Reply.eventStream(items) { item in
                switch item {
                case .changed(let frames): ByteBuffer(string: frames)
                case .heartbeat: nil
                }
            }
        }
    }
}
