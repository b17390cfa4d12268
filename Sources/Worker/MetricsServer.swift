import Hummingbird
import Logging
import ServiceLifecycle

/// Serves a worker's metrics for Prometheus (`GET /metrics`), a liveness probe (`GET /health`: the process
/// answers) and a readiness probe (`GET /ready`: 200 while ``WorkerMetrics/isReady``, else 503) on
/// `--metrics-port`. A `Service`: run it in the same `ServiceGroup` as the ``ToolWorker``.
public struct MetricsServer: Service {
    let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameters:
    ///   - metrics: The worker's metrics.
    ///   - host: Address to bind (loopback by default).
    ///   - port: Port to listen on; 0 picks a free one (reported through `onListening`).
    public init(
        metrics: WorkerMetrics, host: String = "127.0.0.1", port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.prometheusText())))
        }
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ready") { _, _ -> Response in
            let ready = metrics.isReady
            let text = ready ? "ready\n" : "not ready: no poll answered yet, the server is unreachable, or the worker is stopping\n"
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }
}
