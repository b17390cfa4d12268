import Engine
import ServiceLifecycle

/// Feeds committed journal entries to the server's metrics and, when tracing is on, its execution spans; ends
/// the spans still open when the server stops.
struct ObservabilityService: Service {
    /// Subscribed when the server is built, so no entry committed before this service runs is missed.
    let updates: AsyncStream<[JournalUpdate]>
    let metrics: ServerMetrics
    let tracing: ExecutionTracing?

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await batch in updates {
                for update in batch {
                    metrics.record(update)
                    await tracing?.record(update)
                }
            }
        }
        tracing?.endOpenSpans()
    }
}
