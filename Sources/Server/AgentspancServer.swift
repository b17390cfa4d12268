import Engine
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

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
    /// Secrets (name → value) HTTP and MCP tool headers may reference as `${NAME}` in a spec.
    public var secrets: [String: String] = [:]

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
        let engine = try await WorkflowEngine(configuration: engineConfiguration)
        let hub = AgentEventHub(engine: engine, logger: logger)
        let feed = ExecutionFeed(engine: engine, logger: logger)
        let router = Router(context: ServerRequestContext.self)
        if let key = configuration.apiKey, !key.isEmpty { router.add(middleware: APIKeyMiddleware(key: key)) }
        router.add(middleware: ErrorMappingMiddleware())
        HealthRoutes().register(on: router)
        if let key = configuration.apiKey, !key.isEmpty { TokenRoutes(key: key).register(on: router) }
        MetadataRoutes(engine: engine).register(on: router)
        WorkflowRoutes(engine: engine).register(on: router)
        TaskRoutes(engine: engine).register(on: router)
        AgentStreamRoutes(engine: engine, hub: hub).register(on: router)
        ExecutionSearchRoutes(engine: engine).register(on: router)
        ExecutionFeedRoutes(feed: feed).register(on: router)
        AgentPlanRoutes(engine: engine).register(on: router)
        AgentRoutes(engine: engine, deployer: AgentDeployer(engine: engine)).register(on: router)
        DashboardRoutes().register(on: router)

        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "agentspanc"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("agentspanc server listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                await onListening(port)
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: EngineService(engine: engine)),
                    .init(service: HubService(hub: hub)),
                    .init(service: FeedService(feed: feed)),
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
