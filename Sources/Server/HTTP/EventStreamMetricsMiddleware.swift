import HTTPTypes
import Hummingbird

/// Counts the Server-Sent Events streams open (``ServerMetrics/sseClients(_:change:)``): a response of type
/// `text/event-stream` counts from its first byte until its body ends, however it ends.
struct EventStreamMetricsMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard response.headers[.contentType]?.hasPrefix("text/event-stream") == true else { return response }
        let stream = request.uri.path.hasPrefix("/api/agent/stream/") ? "execution" : "feed"
        let body = response.body
        let metrics = self.metrics
        response.body = ResponseBody { writer in
            metrics.sseClients(stream, change: 1)
            defer { metrics.sseClients(stream, change: -1) }
            try await body.write(writer)
        }
        return response
    }
}
