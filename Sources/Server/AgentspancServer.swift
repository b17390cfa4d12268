import AgentCompiler
import Engine
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Tracing

/// Settings of the embedded server.
public struct ServerConfiguration: Sendable {
    /// Address to bind; loopback unless an API key protects the server.
    public var host: String
    /// Port to bind; 0 picks a free one (see ``AgentspancServer/run(onListening:)``).
    public var port: Int
    /// Directory of the SQLite store; nil keeps everything in memory (tests).
    public var dataDirectory: String?
    /// When set, every route but `/health` requires it.
    public var apiKey: String?
    /// Answers LLM tasks: a provider router, a cassette, or a recorder.
    public var llm: any LLMProvider
    public var logger: Logger
    /// Context window (tokens) of LLM turns; longer histories are condensed. Agentspan's default is 128,000.
    public var contextWindow = 128_000
    /// Secrets HTTP and MCP tool headers may reference as `${NAME}` in a spec, each with the hosts it may go to.
    public var secrets: [String: Secret] = [:]
    /// Names besides the bound address and loopback that requests may carry in `Host` (`name` or `name:port`),
    /// for a server reached through a proxy or a DNS name.
    public var allowedHosts: [String] = []
    /// PostgreSQL with pgvector for RAG tasks naming `vectorDB: pgvectordb` (`postgres://user:password@host/db`).
    public var pgvectorURL: String?
    /// Prices per model that agent budgets (`budget.maxCostUSD`) turn tokens into cost with.
    public var prices: PriceTable = .standard
    /// Makes a span per execution and per LLM call and hands each task's trace context to its worker; nil (the
    /// default) traces nothing.
    public var tracer: (any Tracer)?
    /// Run beside the server and stopped after it (the trace exporter, which flushes the last spans as it stops).
    public var telemetryServices: [any Service] = []

    public init(
        host: String = "127.0.0.1", port: Int = 6767, dataDirectory: String? = nil, apiKey: String? = nil,
        llm: any LLMProvider, logger: Logger = Logger(label: "agentspanc.server")
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.apiKey = apiKey
        self.llm = llm
        self.logger = logger
    }
}

/// A configuration the server refuses to run with.
public struct ServerConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// The embedded agentspanc server: the Conductor task/metadata/workflow API subset and the Agentspan agent API
/// over one durable engine.
public struct AgentspancServer: Sendable {
    public let configuration: ServerConfiguration

    public init(configuration: ServerConfiguration) throws {
        if !Self.isLoopback(configuration.host), (configuration.apiKey ?? "").isEmpty {
            throw ServerConfigurationError(
                description: "refusing to bind \(configuration.host) without an API key: pass --api-key or set AGENTSPAN_API_KEY")
        }
        self.configuration = configuration
    }

    /// Runs until SIGINT/SIGTERM (or cancellation); `onListening` receives the bound port once requests are served.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let logger = configuration.logger
        var databasePath: String?
        if let directory = configuration.dataDirectory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            databasePath = (directory as NSString).appendingPathComponent("agentspanc.sqlite")
        }
        var engineConfiguration = WorkflowEngine.Configuration(databasePath: databasePath, llm: configuration.llm, logger: logger)
        engineConfiguration.contextWindow = configuration.contextWindow
        engineConfiguration.secrets = configuration.secrets
        engineConfiguration.pgvectorURL = configuration.pgvectorURL
        let engine = try await WorkflowEngine(configuration: engineConfiguration)
        let hub = AgentEventHub(engine: engine, logger: logger)
        let feed = ExecutionFeed(engine: engine, logger: logger)
        let metrics = ServerMetrics()
        let tracing = configuration.tracer.map { ExecutionTracing(tracer: $0, engine: engine) }
        let observability = ObservabilityService(updates: engine.journalRecords(), metrics: metrics, tracing: tracing)
        let router = Router(context: ServerRequestContext.self)
        let routeTable = RouteTable()
        let routes = RecordingRouter(router: router, table: routeTable)
        let address = ServerAddress(host: configuration.host, port: configuration.port, allowedHosts: configuration.allowedHosts)
        let hasKey = !(configuration.apiKey ?? "").isEmpty
        router.add(middleware: ErrorMappingMiddleware(routes: routeTable, logger: logger))
        router.add(middleware: BrowserGuardMiddleware(address: address, hasAPIKey: hasKey))
        if let key = configuration.apiKey, !key.isEmpty { router.add(middleware: APIKeyMiddleware(key: key)) }
        router.add(middleware: EventStreamMetricsMiddleware(metrics: metrics))
        HealthRoutes().register(on: routes)
        if let key = configuration.apiKey, !key.isEmpty { TokenRoutes(key: key).register(on: routes) }
        MetadataRoutes(engine: engine).register(on: routes)
        WorkflowRoutes(engine: engine).register(on: routes)
        WorkflowMessageRoutes(engine: engine).register(on: routes)
        TaskRoutes(engine: engine, tracing: tracing).register(on: routes)
        MetricsRoutes(engine: engine, metrics: metrics).register(on: routes)
        AgentStreamRoutes(engine: engine, hub: hub).register(on: routes)
        FrameworkEventRoutes(hub: hub).register(on: routes)
        ExecutionSearchRoutes(engine: engine).register(on: routes)
        ExecutionFeedRoutes(feed: feed).register(on: routes)
        AgentPlanRoutes(engine: engine).register(on: routes)
        MediaRoutes(engine: engine).register(on: routes)
        AgentRoutes(engine: engine, deployer: AgentDeployer(engine: engine, prices: configuration.prices)).register(on: routes)
        DashboardRoutes().register(on: routes)

        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "agentspanc"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                address.boundPort = port
                logger.info("agentspanc server listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                await onListening(port)
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: configuration.telemetryServices.map { .init(service: $0) } + [
                    .init(service: EngineService(engine: engine)),
                    .init(service: HubService(hub: hub)),
                    .init(service: FeedService(feed: feed)),
                    .init(service: observability),
                    .init(service: app),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// Runs the engine's background work for the lifetime of the service group.
struct EngineService: Service {
    let engine: WorkflowEngine

    func run() async throws {
        await engine.start()
        try? await gracefulShutdown()
        await engine.shutdown()
    }
}

/// Follows the journal for the server-wide live feed.
struct FeedService: Service {
    let feed: ExecutionFeed

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await feed.run()
        }
    }
}

/// Runs the event hub's serial loop.
struct HubService: Service {
    let hub: AgentEventHub

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await hub.run()
        }
    }
}
