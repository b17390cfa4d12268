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
            let headers: HTTPFields = [
                .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
            ]
            return Response(status: .ok, headers: headers, body: .init { writer in
                try await writer.write(ByteBuffer(string: ":connected\n\n"))
                for await item in items.cancelOnGracefulShutdown() {
                    switch item {
                    case .changed(let frames):
                        try await writer.write(ByteBuffer(string: frames))
                    case .heartbeat:
                        try await writer.write(ByteBuffer(string: ":heartbeat\n\n"))
                    }
                }
                try await writer.finish(nil)
            })
        }
    }
}
