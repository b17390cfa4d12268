import AgentSpec
import ArgumentParser
import ConductorClient
import Foundation
import Logging
import ServiceLifecycle
import Worker

/// `agentspanc worker SPEC|DIR… [--server URL] [--concurrency N] [--domain D]`: serves the `run:`-bound tools of
/// agent specs to a Conductor-compatible server until SIGINT/SIGTERM.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve the tools of agent specs: run their commands and plugins for a server.",
        discussion: """
            Polls the server for every worker tool bound with `run:` in the given specs (and their sub-agents) and for \
            the system workers their multi-agent strategies call (termination, transfer tools, check_transfer, \
            handoff_check, process_selection), runs \
            each call without a shell in a clean environment, and reports the result. Registers the tools' task \
            definitions with a short response timeout kept alive by heartbeats, so calls of a worker that died are \
            retried within seconds. Stops gracefully on SIGINT/SIGTERM: running tools get --grace seconds to finish, \
            the rest are reported failed so the server retries them.
            """)

    @Argument(help: "Spec files (.yaml, .yml, .json) or directories holding them.")
    var specs: [String]

    @Option(name: .long, help: "Server URL (default: $AGENTSPAN_SERVER_URL, then http://localhost:6767).")
    var server: String?

    @Option(name: .long, help: "API key (default: $AGENTSPAN_API_KEY).")
    var apiKey: String?

    @Option(name: .long, help: "Calls of one tool running at once.")
    var concurrency = 8

    @Option(name: .long, help: "Poll only tasks routed to this domain.")
    var domain: String?

    @Option(name: .customLong("worker-id"), help: "Worker id reported to the server (default: the host name).")
    var workerID: String?

    @Option(name: .customLong("metrics-port"), help: "Serve Prometheus metrics on 127.0.0.1:PORT/metrics.")
    var metricsPort: Int?

    @Option(name: .customLong("response-timeout"), help: "responseTimeoutSeconds of the registered task definitions.")
    var responseTimeout = 30

    @Option(name: .long, help: "Seconds running tools get to finish after SIGTERM.")
    var grace: Double = 10

    @Flag(name: .customLong("no-register"), help: "Do not register task definitions (the server's stay in effect).")
    var noRegister = false

    @Flag(name: .customLong("no-update-v2"), help: "Report with POST /api/tasks and take every task from a batch poll.")
    var noUpdateV2 = false

    @Option(name: .customLong("log-level"), help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    @OptionGroup var refs: RefOptions

    func validate() throws {
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if responseTimeout < 1 { throw ValidationError("--response-timeout must be at least 1") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        StandardErrorLogging.bootstrap(level)
        let logger = Logger(label: "agentspanc.worker")
        let tools = try loadTools()
        for name in tools.unbound {
            printError("warning: worker tool \(name) has no run: binding; this worker does not serve it")
        }
        for task in tools.userCodeTasks {
            printError("warning: worker task \(task) runs user code and has no run: binding; this worker does not serve it")
        }
        guard !tools.isEmpty else {
            throw ValidationError("no tool with a run: binding and no system worker needed in \(specs.joined(separator: " "))")
        }
        let environment = ProcessInfo.processInfo.environment
        let url = server ?? environment["AGENTSPAN_SERVER_URL"] ?? "http://localhost:6767"
        let client = ConductorClient(baseURL: url, apiKey: apiKey ?? environment["AGENTSPAN_API_KEY"])
        let configuration = ToolWorker.Configuration(
            workerID: workerID ?? ToolWorker.defaultWorkerID, domain: domain, concurrency: concurrency,
            responseTimeoutSeconds: responseTimeout, shutdownGracePeriod: .milliseconds(Int64(grace * 1000)),
            registerTaskDefinitions: !noRegister, useUpdateV2: !noUpdateV2)
        let worker: ToolWorker
        do {
            worker = try ToolWorker(
                client: client, commandTools: tools.bound, executors: try tools.executors(), configuration: configuration,
                logger: logger)
        } catch {
            throw ValidationError(error.description)
        }
        FileHandle.standardOutput.write(
            Data("agentspanc worker: serving \(worker.taskNames.joined(separator: ", ")) for \(client.baseURL)\n".utf8))

        var services: [any Service] = [worker]
        if let metricsPort {
            services.append(MetricsServer(metrics: worker.metrics, port: metricsPort, logger: logger))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // The worker bounds its own shutdown (grace, then failing the rest); this is the backstop.
        groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(Int64(grace * 1000)) + .seconds(15)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
    }

    /// Loads every spec; files named explicitly must load, files found in directories are skipped (with their
    /// diagnostics) when they are not agent specs.
    private func loadTools() throws -> SpecTools {
        var tools = SpecTools()
        var failed = false
        for path in specs {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let files = exists && isDirectory.boolValue
                ? SpecFiles.expand([path]).filter { !$0.hasSuffix(".cassette.yaml") && !$0.hasSuffix(".cassette.yml") }
                : [path]
            for file in files {
                guard let spec = SpecFiles.load(file, options: refs.loadOptions) else {
                    if !isDirectory.boolValue { failed = true }
                    continue
                }
                let base = URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path
                do {
                    try tools.add(spec.config, baseDirectory: base)
                } catch {
                    throw ValidationError("\(file): \(error.description)")
                }
            }
        }
        if failed { throw ExitCode(1) }
        return tools
    }

    private func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
