import ArgumentParser
import Engine
import Foundation
import Logging
import Server

/// `agentspanc server [run]`: the embedded, single-node engine, in the foreground.
struct ServerRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the embedded server: Conductor and agent APIs over a durable SQLite engine.",
        discussion: """
            Runs in the foreground, logs to stderr and stops gracefully on SIGINT/SIGTERM. LLM tasks use the provider \
            named by each model string (openai/…, anthropic/…, ollama/…) with keys from OPENAI_API_KEY, \
            ANTHROPIC_API_KEY, OLLAMA_HOST …, or the scripted turns of --llm-cassette.
            """)

    @Option(name: .long, help: "Address to bind. Non-loopback addresses require an API key.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port = 6767

    @Option(name: .long, help: "Directory of the SQLite store (default: ~/.agentspanc/data).")
    var data: String?

    @Option(name: .long, help: "Require this API key on every API route (default: $AGENTSPAN_API_KEY).")
    var apiKey: String?

    @Option(name: .customLong("llm-cassette"), help: "Answer LLM tasks from this cassette file (offline, deterministic).")
    var cassette: String?

    @Option(name: .customLong("record-cassette"), help: "Call the real providers and record every exchange into this file.")
    var record: String?

    @Option(name: .customLong("secret"), help: ArgumentHelp(
        "Let HTTP and MCP tool headers use ${NAME}: its value is read from this environment variable (repeatable).",
        valueName: "NAME"))
    var secrets: [String] = []

    @Option(name: .customLong("context-window"), help: "Tokens of context an LLM turn may use; longer histories are condensed.")
    var contextWindow = 128_000

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if contextWindow < 1_000 { throw ValidationError("--context-window must be at least 1000 tokens") }
        if cassette != nil && record != nil {
            throw ValidationError("--llm-cassette and --record-cassette cannot be combined")
        }
    }

    func run() async throws {
        let level = logLevel
        StandardErrorLogging.bootstrap(level)
        let environment = ProcessInfo.processInfo.environment
        let directory = data ?? (environment["HOME"].map { "\($0)/.agentspanc/data" } ?? ".agentspanc/data")
        var configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: directory, apiKey: apiKey ?? environment["AGENTSPAN_API_KEY"],
            llm: try LLMProviderSetup.provider(
                environment: environment, cassette: cassette.map { URL(fileURLWithPath: $0) },
                recordCassette: record.map { URL(fileURLWithPath: $0) }),
            logger: Logger(label: "agentspanc.server"))
        configuration.contextWindow = contextWindow
        for name in secrets {
            guard let value = environment[name], !value.isEmpty else {
                throw ValidationError("--secret \(name): \(name) is not set in the environment")
            }
            configuration.secrets[name] = value
        }
        let server: AgentspancServer
        do {
            server = try AgentspancServer(configuration: configuration)
        } catch let error as ServerConfigurationError {
            throw ValidationError(error.description)
        }
        try await server.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
