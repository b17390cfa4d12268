import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

extension Reply {
    /// A Server-Sent Events response: a `:connected` comment, then the frame of each item (nil for a heartbeat,
    /// sent as a `:heartbeat` comment) until the items end or the server shuts down gracefully.
    static func eventStream<Item: Sendable>(
        _ items: AsyncStream<Item>, frame: @escaping @Sendable (Item) -> ByteBuffer?
    ) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: .init { writer in
            try await writer.write(ByteBuffer(string: ":connected\n\n"))
            for await item in items.cancelOnGracefulShutdown() {
                try await writer.write(frame(item) ?? ByteBuffer(string: ":heartbeat\n\n"))
            }
            try await writer.finish(nil)
        })
    }
}
