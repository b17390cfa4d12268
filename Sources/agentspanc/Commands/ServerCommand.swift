import AgentCompiler
import ArgumentParser
import Engine
import Foundation
import Logging
import NIOCore
import Server
import Telemetry

/// `agentspanc server [run]`: the embedded, single-node engine, in the foreground.
struct ServerRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the embedded server: Conductor and agent APIs over a durable SQLite engine.",
        discussion: """
            Runs in the foreground, logs to stderr and stops gracefully on SIGINT/SIGTERM. LLM tasks use the provider \
            named by each model string (openai/…, anthropic/…, google_gemini/…, azure_openai/…, aws_bedrock/…, \
            mistral/…, cohere/…, grok/…, perplexity/…, hugging_face/…, ollama/…) with keys from OPENAI_API_KEY, \
            GEMINI_API_KEY, AWS_ACCESS_KEY_ID … (docs/providers.md), or the scripted turns of --llm-cassette.
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
        "Let HTTP and MCP tool headers use ${NAME}, read from this environment variable, in requests to these hosts only (host, host:port or *.domain; repeatable).",
        valueName: "NAME=HOST[,HOST…]"))
    var secrets: [String] = []

    @Option(name: .customLong("allowed-host"), help: ArgumentHelp(
        "Also answer requests whose Host is this name (name or name:port), e.g. behind a proxy (repeatable).",
        valueName: "NAME"))
    var allowedHosts: [String] = []

    @Option(name: .customLong("context-window"), help: "Tokens of context an LLM turn may use; longer histories are condensed.")
    var contextWindow = 128_000

    @Option(name: .customLong("pgvector-url"), help: ArgumentHelp(
        "PostgreSQL with pgvector for RAG tools with vectorDB: pgvectordb (default: $AGENTSPANC_PGVECTOR_URL; without it they use the embedded SQLite store).",
        valueName: "postgres://USER:PASSWORD@HOST:PORT/DB"))
    var pgvectorURL: String?

    @Option(name: .long, help: ArgumentHelp(
        "A JSON price table {\"provider/model\": {\"input\": USD, \"output\": USD}} per million tokens for agent budgets; it replaces or adds to the built-in prices.",
        valueName: "FILE"))
    var prices: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("log-format"), help: "Log lines as text, or as json: one object per line.")
    var logFormat: LogFormat = .text

    func validate() throws {
        if !(1...65_535).contains(port) { throw ValidationError("--port must be between 1 and 65535, not \(port)") }
        for name in allowedHosts where Self.problem(withAllowedHost: name) != nil {
            throw ValidationError("--allowed-host \(name): \(Self.problem(withAllowedHost: name) ?? "")")
        }
        for flag in secrets { _ = try Self.parseSecret(flag) }
        if contextWindow < 1_000 { throw ValidationError("--context-window must be at least 1000 tokens") }
        if let url = pgvectorURL, let problem = WorkflowEngine.Configuration.problem(withPGVectorURL: url) {
            throw ValidationError("--pgvector-url: \(problem)")
        }
        if cassette != nil && record != nil {
            throw ValidationError("--llm-cassette and --record-cassette cannot be combined")
        }
    }

    func run() async throws {
        let level = logLevel
        StandardErrorLogging.bootstrap(level, format: logFormat)
        let environment = ProcessInfo.processInfo.environment
        let directory = data ?? (environment["HOME"].map { "\($0)/.agentspanc/data" } ?? ".agentspanc/data")
        try Self.prepareDataDirectory(directory)
        var configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: directory, apiKey: apiKey ?? environment["AGENTSPAN_API_KEY"],
            llm: try LLMProviderSetup.provider(
                environment: environment, cassette: cassette.map { URL(fileURLWithPath: $0) },
                recordCassette: record.map { URL(fileURLWithPath: $0) }),
            logger: Logger(label: "agentspanc.server"))
        configuration.contextWindow = contextWindow
        if let prices {
            guard let data = FileManager.default.contents(atPath: prices) else { throw ValidationError("--prices: cannot read \(prices)") }
            do {
                configuration.prices = PriceTable.standard.merging(PriceTable(try JSONDecoder().decode([String: ModelPrice].self, from: data)))
            } catch {
                throw ValidationError("--prices \(prices): expected {\"provider/model\": {\"input\": number, \"output\": number}}")
            }
        }
        configuration.allowedHosts = allowedHosts
        configuration.pgvectorURL = pgvectorURL ?? environment["AGENTSPANC_PGVECTOR_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let url = configuration.pgvectorURL, let problem = WorkflowEngine.Configuration.problem(withPGVectorURL: url) {
            throw ValidationError("AGENTSPANC_PGVECTOR_URL: \(problem)")
        }
        do {
            if let tracing = try Telemetry.tracingFromEnvironment(environment, serviceName: "agentspanc-server") {
                configuration.tracer = tracing.tracer
                configuration.telemetryServices = [tracing.service]
            }
        } catch {
            throw ValidationError(error.description)
        }
        for flag in secrets {
            let (name, hosts) = try Self.parseSecret(flag)
            guard let value = environment[name], !value.isEmpty else {
                throw ValidationError("--secret \(name): \(name) is not set in the environment")
            }
            configuration.secrets[name] = Secret(value: value, allowedHosts: hosts)
        }
        let server: AgentspancServer
        do {
            server = try AgentspancServer(configuration: configuration)
        } catch let error as ServerConfigurationError {
            throw ValidationError(error.description)
        }
        do {
            try await server.run()
        } catch let error as IOError {
            throw ValidationError("cannot listen on \(host):\(port): \(String(cString: strerror(error.errnoCode)))")
        } catch let error as EngineError {
            throw ValidationError("cannot open the store in \(directory): \(error.message)")
        }
    }
}

extension ServerRunCommand {
    /// Creates the data directory, or says in one sentence why it cannot be used.
    static func prepareDataDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ValidationError("--data \(path): this is a file, not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
                let reason = underlying.map { String(cString: strerror(Int32($0.code))) } ?? "it cannot be created"
                throw ValidationError("--data \(path): cannot create the directory (\(reason))")
            }
        }
        guard access(path, W_OK) == 0 else { throw ValidationError("--data \(path): the directory is not writable") }
    }

    /// `NAME=host1,host2` → (NAME, hosts); a secret without hosts is refused, so none can go anywhere by mistake.
    static func parseSecret(_ flag: String) throws -> (name: String, hosts: [String]) {
        guard let equals = flag.firstIndex(of: "=") else {
            throw ValidationError(
                "--secret \(flag): name the hosts it may be sent to, as --secret \(flag)=api.example.com[,HOST…] (host, host:port or *.domain)")
        }
        let name = String(flag[..<equals])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw ValidationError("--secret \(flag): '\(name)' is not an environment variable name")
        }
        let hosts = flag[flag.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for host in hosts {
            if let problem = Secret.problem(withHostPattern: host) { throw ValidationError("--secret \(name): \(problem)") }
        }
        return (name, hosts)
    }

    /// Why an `--allowed-host` value is not a host name (or name:port); nil when it is one.
    static func problem(withAllowedHost name: String) -> String? {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard !name.contains("/"), let host = parts.first, !host.isEmpty, parts.count <= 2,
              host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })
        else { return "give a host name or name:port, such as agents.example.com or agents.example.com:8443" }
        if parts.count == 2, !(Int(parts[1]).map { (1...65_535).contains($0) } ?? false) {
            return "the port must be between 1 and 65535"
        }
        return nil
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
