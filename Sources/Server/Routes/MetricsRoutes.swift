import Engine
import Hummingbird
import NIOCore

/// `GET /metrics`: the server's metrics in the Prometheus text format (docs/metrics.md); behind the API key like
/// every other route that reveals data.
struct MetricsRoutes {
    let engine: WorkflowEngine
    let metrics: ServerMetrics

    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.get("metrics") { _, _ in
            let bytes = try await metrics.exposition(engine: engine)
            return Response(
                status: .ok, headers: [.contentType: ServerMetrics.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
