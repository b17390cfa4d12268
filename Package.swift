// swift-tools-version:6.2
import PackageDescription

/// agentspanc: YAML agent specs → Conductor workflows → durable executions you can watch.
///
/// Targets are stacked so every import points down:
/// AgentSpec, Workflow → AgentCompiler, Engine, ConductorClient → Server, Worker → AgentRuntime → agentspanc
/// (docs/architecture.md draws them and names the one home of each shared contract).
let package = Package(
    name: "agentspanc",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "agentspanc", targets: ["agentspanc"]),
        .library(name: "AgentRuntime", targets: ["AgentRuntime"]),
        .library(name: "Worker", targets: ["Worker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Imported directly (byte buffers, HTTP heads), not only through Hummingbird and AsyncHTTPClient.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Metrics (Prometheus text format) and traces (OpenTelemetry over OTLP/HTTP only: no gRPC stack to build).
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", exact: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel", exact: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .systemLibrary(
            name: "CJavaScriptCore",
            pkgConfig: "javascriptcoregtk-4.1",
            providers: [.apt(["libjavascriptcoregtk-4.1-dev"])]
        ),
        // Bounds on YAML read from files (aliases, expanded size, nesting, duplicate keys), checked before composing.
        .target(name: "YAMLGuard", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "AgentSpec",
            dependencies: [
                "Workflow", "YAMLGuard", .product(name: "Yams", package: "Yams"),
                // SHA-256 of the tool lock.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "Workflow"),
        .target(name: "AgentCompiler", dependencies: ["AgentSpec", "Workflow"]),
        // How a trace crosses from server to worker to tool (W3C traceparent); the tracing API only.
        .target(name: "TracePropagation", dependencies: [.product(name: "Tracing", package: "swift-distributed-tracing")]),
        // The OTLP exporter, configured from OTEL_* variables; only the executable (and tests) link it.
        .target(
            name: "Telemetry",
            dependencies: [
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Framework agents (OpenAI Agents SDK, Google ADK, LangChain, LangGraph, …) as the agentspan SDKs send them → AgentConfig.
        .target(name: "FrameworkImport", dependencies: ["AgentSpec", "Workflow", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "ConductorClient",
            dependencies: [
                "Workflow",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Engine",
            dependencies: [
                "Workflow", "CJavaScriptCore", "YAMLGuard",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The pgvector store of LLM_INDEX_TEXT / LLM_SEARCH_INDEX (`vectorDB: pgvectordb`).
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Server",
            dependencies: [
                "Engine", "AgentCompiler", "AgentSpec", "FrameworkImport", "Workflow", "TracePropagation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .target(
            name: "Worker",
            dependencies: [
                "ConductorClient", "AgentCompiler", "AgentSpec", "Workflow", "TracePropagation",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .target(
            name: "AgentRuntime",
            dependencies: ["ConductorClient", "AgentSpec", "Workflow", "Worker", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "SpecTesting",
            dependencies: [
                "AgentRuntime", "Server", "Worker", "Engine", "AgentSpec", "ConductorClient", "Workflow",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "agentspanc",
            dependencies: [
                "SpecTesting", "AgentRuntime", "Server", "Worker", "AgentCompiler", "AgentSpec", "FrameworkImport", "Engine", "Workflow",
                "ConductorClient", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "agentspanc-bench",
            dependencies: [
                "Server", "Engine", "ConductorClient", "AgentRuntime", "Worker", "Workflow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The fuzz entry point (spec loader, server request decoders) and its driver; `scripts/fuzz` builds the driver
        // with libFuzzer into .build-fuzz.
        .target(name: "SpecFuzzing", dependencies: ["AgentSpec", "AgentCompiler", "Workflow", "YAMLGuard"]),
        .executableTarget(name: "agentspanc-fuzz", dependencies: ["SpecFuzzing"]),
        // Child processes, loopback ports and scratch directories for the test targets that run real processes.
        .target(
            name: "TestSupport",
            dependencies: ["Workflow", "ConductorClient", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "AgentSpecTests", dependencies: ["AgentSpec", "YAMLGuard", "SpecFuzzing", "Workflow", .product(name: "Yams", package: "Yams")], exclude: ["HostileSpecs", "FuzzSeeds"]),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow"]),
        .testTarget(name: "ConductorClientTests", dependencies: ["ConductorClient"]),
        .testTarget(
            name: "FrameworkImportTests", dependencies: ["FrameworkImport", "AgentCompiler", "AgentSpec", "Workflow"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "AgentCompilerTests", dependencies: ["AgentCompiler", "AgentSpec", "Workflow"], resources: [.copy("Golden")]),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine", "Workflow", "TestSupport", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Engine", "Workflow", "ConductorClient", "TestSupport", "AgentCompiler", "AgentSpec",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "agentspanc-example-plugin", dependencies: ["Worker", "Workflow"], path: "Examples/ExamplePlugin"),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "Worker", "ConductorClient", "Server", "Engine", "Workflow", "AgentCompiler", "AgentSpec", "agentspanc-example-plugin",
                "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "CompiledScriptTests", dependencies: ["AgentCompiler", "AgentSpec", "Engine", "Workflow"]),
        .testTarget(name: "SpecTestingTests", dependencies: ["SpecTesting", "AgentSpec", "Workflow", "TestSupport"]),
        .testTarget(name: "AgentRuntimeTests", dependencies: ["AgentRuntime", "Server", "Engine", "Worker", "Workflow", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "ObservabilityTests",
            dependencies: [
                "AgentRuntime", "Server", "Engine", "Worker", "Workflow", "ConductorClient", "Telemetry", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Workflow", "ConductorClient", "TestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
