import AgentSpec
import ArgumentParser
import ConductorClient
import Foundation
import Logging
import ServiceLifecycle
import Telemetry
import UnixSignals
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
            the rest are reported failed so the server retries them. On SIGHUP (and, with --watch, when a spec \
            file or a ref: file it reads changes) the specs are read again: new and changed tools are served, \
            removed ones stop being polled, running calls finish; a spec that no longer loads changes nothing.
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

    @Option(name: .customLong("metrics-port"), help: "Serve Prometheus metrics on 127.0.0.1:PORT/metrics, and /health and /ready probes.")
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

    @Option(name: .customLong("log-format"), help: "Log lines as text, or as json: one object per line.")
    var logFormat: LogFormat = .text

    @Option(name: .long, help: ArgumentHelp(
        "An operator policy file: forbidden programs and hosts, forced approval, a timeout cap (it only narrows specs).",
        valueName: "FILE"))
    var policy: String?

    @Flag(name: .customLong("allow-drift"), help: ArgumentHelp(
        "Serve tools even where they differ from the tool lock of the workflow deployed on the server (logged).",
        discussion: "Without it the worker refuses to start when a tool's command, environment rules, program file, "
            + "input schema or effects differ from what the deployed workflow was compiled with, and fails each call "
            + "of a workflow deployed later whose tool lock they differ from."))
    var allowDrift = false

    @Flag(help: "Reload the specs when a spec file (or a ref: file it reads) changes; SIGHUP always reloads.")
    var watch = false

    @OptionGroup var refs: RefOptions

    func validate() throws {
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if responseTimeout < 1 { throw ValidationError("--response-timeout must be at least 1") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        StandardErrorLogging.bootstrap(level, format: logFormat)
        let logger = Logger(label: "agentspanc.worker")
        // Trapped before anything else, so an early SIGHUP reloads instead of ending the worker.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let load = try loadTools(logger)
        let tools = load.tools
        for name in tools.unbound {
            report("warning: worker tool \(name) has no run: binding; this worker does not serve it", logger)
        }
        for task in tools.userCodeTasks {
            report("warning: worker task \(task) runs user code and has no run: binding; this worker does not serve it", logger)
        }
        guard !tools.isEmpty else {
            throw ValidationError("no tool with a run: binding and no system worker needed in \(specs.joined(separator: " "))")
        }
        let environment = ProcessInfo.processInfo.environment
        let url = server ?? environment["AGENTSPAN_SERVER_URL"] ?? "http://localhost:6767"
        let client = ConductorClient(baseURL: url, apiKey: apiKey ?? environment["AGENTSPAN_API_KEY"])
        try await verifyLocks(tools, workflows: load.workflows, client: client, logger: logger)
        var configuration = ToolWorker.Configuration(
            workerID: workerID ?? ToolWorker.defaultWorkerID, domain: domain, concurrency: concurrency,
            responseTimeoutSeconds: responseTimeout, shutdownGracePeriod: .milliseconds(Int64(grace * 1000)),
            registerTaskDefinitions: !noRegister, useUpdateV2: !noUpdateV2)
        // Workflows deployed after the start are checked per execution, when their tasks are polled.
        configuration.checkToolLocks = true
        configuration.allowDrift = allowDrift
        let tracing: TracingBackend?
        do {
            tracing = try Telemetry.tracingFromEnvironment(environment, serviceName: "agentspanc-worker")
        } catch {
            throw ValidationError(error.description)
        }
        configuration.tracer = tracing?.tracer
        let worker: ToolWorker
        do {
            worker = try ToolWorker(client: client, specTools: tools, configuration: configuration, logger: logger)
        } catch {
            throw ValidationError(error.description)
        }
        FileHandle.standardOutput.write(
            Data("agentspanc worker: serving \(worker.taskNames.joined(separator: ", ")) for \(client.baseURL)\n".utf8))

        // The exporter comes first so it stops last, flushing the spans of the calls that finish during shutdown.
        var services: [any Service] = (tracing.map { [$0.service] } ?? []) + [worker]
        if let metricsPort {
            services.append(MetricsServer(metrics: worker.metrics, port: metricsPort, logger: logger))
        }
        let specs = WorkerSpecs(paths: specs, options: refs.loadOptions, policy: try operatorPolicy())
        services.append(SpecReloader(
            worker: worker, specs: specs, hangups: hangups, watch: watch, initial: load, logger: logger, lockServer: client,
            allowDrift: allowDrift))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // The worker bounds its own shutdown (grace, then failing the rest); this is the backstop.
        groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(Int64(grace * 1000)) + .seconds(15)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
    }

    /// Loads every spec; files named explicitly must load, files found in directories are skipped (with their
    /// diagnostics) when they are not agent specs.
    private func loadTools(_ logger: Logger) throws -> WorkerSpecs.Load {
        let load = WorkerSpecs(paths: specs, options: refs.loadOptions, policy: try operatorPolicy()).load()
        for file in load.reports {
            if logFormat == .json {
                for diagnostic in file.warnings + (file.error?.diagnostics ?? []) {
                    logger.log(level: diagnostic.severity == .error ? .error : .warning, "\(diagnostic.oneLine)")
                }
            } else {
                for warning in file.warnings { report(warning.rendered, logger) }
                if let error = file.error { report(error.description, logger) }
            }
        }
        if let conflict = load.conflict { throw ValidationError(conflict) }
        if load.failures.contains(where: \.explicit) { throw ExitCode(1) }
        return load
    }

    /// Refuses to start when a served tool differs from the tool lock of its workflow on the server, unless
    /// `--allow-drift` (then each drift is logged as a warning). A server that cannot be asked is not a reason to
    /// refuse: the worker waits for it as always, and says the tools are unverified.
    private func verifyLocks(_ tools: SpecTools, workflows: [String], client: ConductorClient, logger: Logger) async throws {
        let outcome: ToolLockCheck.Outcome
        do {
            outcome = try await ToolLockCheck.check(tools.bound, workflows: workflows, client: client)
        } catch {
            logger.warning("could not compare the tools with the server's tool lock: \(error)")
            return
        }
        guard !outcome.drifts.isEmpty else { return }
        if allowDrift {
            for drift in outcome.drifts {
                logger.warning(
                    "serving despite drift (--allow-drift): \(drift.description)",
                    metadata: ["tool": .string(drift.tool), "workflow": .string(drift.workflow),
                               "changed": .array(drift.changes.map { .string($0) })])
            }
            return
        }
        for drift in outcome.drifts { report("error: \(drift.description)", logger) }
        report(
            "error: refusing to serve \(outcome.drifts.count) tool(s) that differ from the deployed workflow; deploy the "
                + "current spec (agentspanc run or start), restore the reviewed one, or pass --allow-drift", logger)
        throw ExitCode(1)
    }

    /// The `--policy` file, read (a broken file stops the worker with its error).
    private func operatorPolicy() throws -> OperatorPolicy? {
        guard let policy else { return nil }
        do {
            return try OperatorPolicy.load(path: policy)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Writes a start-up message to stderr as it is, or as a log line with `--log-format json`.
    private func report(_ text: String, _ logger: Logger) {
        if logFormat == .json {
            logger.warning("\(text.hasPrefix("warning: ") ? String(text.dropFirst(9)) : text)")
        } else {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }
}
