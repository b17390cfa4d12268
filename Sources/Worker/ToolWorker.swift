import ConductorClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TracePropagation
import Tracing
import Workflow

/// The long-running tool worker: polls a Conductor-compatible server for the task names of its tools, runs
/// them concurrently and reports the results.
///
/// - For every task name, a batch long-poll asks for as many tasks as it has free slots
///   (``Configuration/concurrency`` per task name).
/// - Results go through `update-v2` (whose answer, the next task, runs in the same slot without polling),
///   falling back for good to `POST /api/tasks` on servers without it. Failed deliveries are retried with
///   backoff for ``Configuration/resultRetryWindow``.
/// - Tools running longer than half the task's `responseTimeoutSeconds` send lease-extension heartbeats, so
///   the registered response timeout can be short and a crashed worker's tasks are retried quickly.
/// - While the server is down, polls back off exponentially (up to ``Configuration/maxBackoff``) and resume
///   when it returns.
/// - Graceful shutdown (``shutdown()``, or SIGTERM/SIGINT through a `ServiceGroup`): stop polling, let
///   running tools finish within ``Configuration/shutdownGracePeriod``, then stop the rest and report them
///   FAILED so the server retries them elsewhere — FAILED_WITH_TERMINAL_ERROR for `idempotent: false` tools,
///   which must never run twice.
public final class ToolWorker: Service, Sendable {
    /// Settings of a worker.
    public struct Configuration: Sendable {
        /// Sent as `workerid` on polls and `workerId` on results.
        public var workerID: String
        /// Poll only tasks routed to this domain (`taskToDomain`).
        public var domain: String?
        /// Tasks of one task name running at once.
        public var concurrency: Int
        /// How long the server may hold an empty poll (Conductor allows up to 5000).
        public var pollTimeoutMilliseconds: Int
        /// `responseTimeoutSeconds` of the registered task definitions; heartbeats keep long tools alive.
        public var responseTimeoutSeconds: Int
        /// How long running tools may take to finish after shutdown begins.
        public var shutdownGracePeriod: Duration
        /// Register task definitions for the served tools at start (those ``registerTaskDefinitions()`` has not
        /// registered already) and on reload.
        public var registerTaskDefinitions: Bool
        /// How long a result is retried before it is given up (the server's response timeout then retries
        /// the task).
        public var resultRetryWindow: Duration
        /// Upper bound of the backoff between failed polls and failed deliveries.
        public var maxBackoff: Duration
        /// Report with `update-v2` and run the task it returns without polling. Off, results go to
        /// `POST /api/tasks` and every task comes from a batch poll (fewer, larger server transactions: faster
        /// against a server whose commits are the bottleneck).
        public var useUpdateV2: Bool
        /// Makes a span per tool call, a child of the execution span whose `traceparent` the server sent with the
        /// task; nil (the default) makes none and passes the server's `traceparent` on as it came.
        public var tracer: (any Tracer)? = nil
        /// Before running a spec tool, compare it with the tool lock of the workflow the polled task belongs to
        /// (read once per execution) and fail a drifted call terminally, naming what changed.
        public var checkToolLocks = false
        /// With ``checkToolLocks``: run drifted tools anyway and log the drift (`--allow-drift`).
        public var allowDrift = false

        public init(
            workerID: String = ToolWorker.defaultWorkerID, domain: String? = nil, concurrency: Int = 8,
            pollTimeoutMilliseconds: Int = 1000, responseTimeoutSeconds: Int = 30,
            shutdownGracePeriod: Duration = .seconds(10), registerTaskDefinitions: Bool = true,
            resultRetryWindow: Duration = .seconds(300), maxBackoff: Duration = .seconds(30), useUpdateV2: Bool = true
        ) {
            self.workerID = workerID
            self.domain = domain
            self.concurrency = concurrency
            self.pollTimeoutMilliseconds = pollTimeoutMilliseconds
            self.responseTimeoutSeconds = responseTimeoutSeconds
            self.shutdownGracePeriod = shutdownGracePeriod
            self.registerTaskDefinitions = registerTaskDefinitions
            self.resultRetryWindow = resultRetryWindow
            self.maxBackoff = maxBackoff
            self.useUpdateV2 = useUpdateV2
        }
    }

    /// The host name, like conductor-python's default worker id.
    public static var defaultWorkerID: String { ProcessInfo.processInfo.hostName }

    public let client: ConductorClient
    public let configuration: Configuration
    public let metrics: WorkerMetrics
    /// The Swift tools given at creation; a reload keeps them.
    let swiftExecutors: [any ToolExecutor]
    let logger: Logger
    let state: Mutex<RunState>
    /// Tool locks of the executions whose tasks were polled (``Configuration/checkToolLocks``).
    let executionLocks = ExecutionLockCache()

    struct RunState {
        var shuttingDown = false
        var forceStopped = false
        var graceTimer: Task<Void, Never>?
        var executions: [String: Task<ToolOutcome, Never>] = [:]
        var updateV2Supported = true
        /// What is served, by task name (a reload replaces it).
        var executors: [String: any ToolExecutor]
        /// What each spec task name was built from; a reload compares them to tell changed tools.
        var sources: [String: TaskSource] = [:]
        /// Plugin processes by path, working directory and environment.
        var plugins: [String: PluginProcess]
        /// Plugins a reload stopped using while calls of theirs still ran; stopped when the last one ends.
        var retiredPlugins: [ObjectIdentifier: PluginProcess] = [:]
        /// Polled jobs not yet finished, per plugin process.
        var pluginJobs: [ObjectIdentifier: Int] = [:]
        /// Where poll loops hand their tasks while ``run()`` runs.
        var jobs: AsyncStream<Job>.Continuation?
        /// The running poll loop of each served task name (an id of ``background``).
        var pollers: [String: Int] = [:]
        /// Poll loops (including those of removed tools still finishing a poll) and registrations.
        var background: [Int: Task<Void, Never>] = [:]
        var nextBackgroundID = 0
        /// Definitions ``registerTaskDefinitions()`` registered; the start does not register them again.
        var registered: Set<TaskDef> = []
    }

    /// Creates a worker.
    /// - Parameters:
    ///   - client: The server to poll.
    ///   - tools: Swift tools compiled into this executable.
    ///   - commandTools: Spec tools with a `run:` binding (`command:` or `plugin:`).
    ///   - executors: Further executors (system workers, custom kinds).
    /// - Throws: ``WorkerConfigurationError`` for a broken binding or two tools with the same name.
    public init(
        client: ConductorClient, tools: [any Tool] = [], commandTools: [WorkerToolDefinition] = [],
        executors: [any ToolExecutor] = [], configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "agentspanc.worker"), metrics: WorkerMetrics = WorkerMetrics()
    ) throws(WorkerConfigurationError) {
        let swiftExecutors = tools.map { Self.makeExecutor($0) }
        let built = try Self.build(
            swiftExecutors: swiftExecutors, commandTools: commandTools, executors: executors, plugins: [:], logger: logger,
            metrics: metrics)
        var sources: [String: TaskSource] = [:]
        for definition in commandTools { sources[definition.name] = .tool(definition) }
        self.client = client
        self.configuration = configuration
        self.swiftExecutors = swiftExecutors
        self.state = Mutex(RunState(executors: built.executors, sources: sources, plugins: built.plugins))
        self.logger = logger
        self.metrics = metrics
    }

    /// Creates a worker serving the tools found in specs (see ``reload(_:)`` to change them while it runs).
    public convenience init(
        client: ConductorClient, tools: [any Tool] = [], specTools: SpecTools, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "agentspanc.worker"), metrics: WorkerMetrics = WorkerMetrics()
    ) throws(WorkerConfigurationError) {
        try self.init(
            client: client, tools: tools, commandTools: specTools.bound, executors: try specTools.executors(),
            configuration: configuration, logger: logger, metrics: metrics)
        let sources = specTools.sources
        state.withLock { $0.sources = sources }
    }

    /// The executors by task name for these tools; plugin processes of `plugins` with the same path, working
    /// directory and environment are reused.
    static func build(
        swiftExecutors: [any ToolExecutor], commandTools: [WorkerToolDefinition], executors: [any ToolExecutor],
        plugins existing: [String: PluginProcess], logger: Logger, metrics: WorkerMetrics
    ) throws(WorkerConfigurationError) -> (executors: [String: any ToolExecutor], plugins: [String: PluginProcess]) {
        var all = swiftExecutors
        var plugins: [String: PluginProcess] = [:]
        for definition in commandTools {
            if let pluginPath = definition.binding.plugin {
                if definition.binding.command != nil {
                    throw WorkerConfigurationError(tool: definition.name, message: "run: sets both command and plugin")
                }
                let path = CommandTool.resolve(pluginPath, against: definition.baseDirectory)
                let cwd = CommandTool.resolve(definition.binding.cwd ?? ".", against: definition.baseDirectory)
                let environment: [String: String]
                do {
                    environment = try ToolEnvironment(
                        inheritNames: definition.binding.inheritEnv ?? [], values: definition.binding.env ?? [:]
                    ).resolve()
                } catch {
                    throw WorkerConfigurationError(tool: definition.name, message: error.description)
                }
                let key = "\(path)\u{0}\(cwd)\u{0}\(environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
                let process = plugins[key] ?? existing[key]
                    ?? PluginProcess(
                        path: path, workingDirectory: cwd, environment: environment, logger: logger, metrics: metrics)
                plugins[key] = process
                all.append(PluginTool(definition, process: process))
            } else {
                all.append(try CommandTool(definition))
            }
        }
        all.append(contentsOf: executors)
        var byName: [String: any ToolExecutor] = [:]
        for executor in all {
            if byName[executor.name] != nil {
                throw WorkerConfigurationError(tool: executor.name, message: "two tools are named '\(executor.name)'")
            }
            byName[executor.name] = executor
        }
        return (byName, plugins)
    }

    private static func makeExecutor<T: Tool>(_ tool: T) -> any ToolExecutor { SwiftToolExecutor(tool) }

    /// The task names this worker polls, sorted.
    public var taskNames: [String] { state.withLock { $0.executors.keys.sorted() } }

    /// The task definitions registered at start: a short response timeout kept alive by heartbeats, two
    /// retries (none for `idempotent: false` tools), linear backoff.
    public func taskDefinitions() -> [TaskDef] {
        taskDefinitions(of: state.withLock { $0.executors })
    }

    /// Registers ``taskDefinitions()`` now (once, no retries), so that an execution started afterwards already gets
    /// them; ``run()`` then does not register them again.
    public func registerTaskDefinitions() async throws {
        let definitions = taskDefinitions()
        try await client.registerTaskDefs(definitions)
        state.withLock { $0.registered.formUnion(definitions) }
    }

    /// The task definitions of `executors`, sorted by name.
    func taskDefinitions(of executors: [String: any ToolExecutor]) -> [TaskDef] {
        executors.keys.sorted().map { name in
            let executor = executors[name]!
            var def = TaskDef(
                name: name, description: executor.description.isEmpty ? nil : executor.description,
                retryCount: executor.isIdempotent ? 2 : 0, retryLogic: "LINEAR_BACKOFF", retryDelaySeconds: 2,
                timeoutSeconds: 0, timeoutPolicy: "RETRY", responseTimeoutSeconds: configuration.responseTimeoutSeconds)
            def.ownerEmail = "agentspanc@localhost"
            def.workerBinding = executor.registeredBinding.flatMap { try? JSONValue.from($0) }
            def.workerLock = executor.registeredLock
            return def
        }
    }

    // MARK: Lifecycle

    /// Polls and runs tools until ``shutdown()`` (or graceful shutdown of the enclosing `ServiceGroup`) and
    /// every running tool has been reported.
    public func run() async throws {
        let names = taskNames
        logger.info(
            "worker serving \(names.count) task names",
            metadata: ["taskNames": .array(names.map { .string($0) }), "workerId": .string(configuration.workerID)])
        let orphans = ToolProcessRegistry.shared.endOrphans()
        if !orphans.isEmpty {
            // Their calls were retried (or will be) by the server; an old copy must not run beside the retry.
            logger.warning(
                "ended tool processes left running by a worker that died",
                metadata: ["pids": .array(orphans.map { .stringConvertible($0) })])
        }
        let (jobs, jobsContinuation) = AsyncStream<Job>.makeStream()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    startPolling(jobsContinuation)
                    for await job in jobs {
                        group.addTask { await self.process(job) }
                    }
                    await group.waitForAll()
                }
            } onGracefulShutdown: {
                self.shutdown()
            }
        } onCancel: {
            self.shutdown()
            self.forceStop()
        }
        let plugins = state.withLock { state -> [PluginProcess] in
            state.graceTimer?.cancel()
            defer { state.retiredPlugins = [:] }
            return Array(state.plugins.values) + Array(state.retiredPlugins.values)
        }
        for plugin in plugins {
            await plugin.stop()
        }
        logger.info("worker stopped")
    }

    /// Starts the registration and a poll loop per task name; when shutdown came first, ends the job stream.
    private func startPolling(_ jobs: AsyncStream<Job>.Continuation) {
        let stopping = state.withLock { state -> Bool in
            state.jobs = jobs
            guard !state.shuttingDown else { return true }
            let definitions = taskDefinitions(of: state.executors).filter { !state.registered.contains($0) }
            if configuration.registerTaskDefinitions, !definitions.isEmpty {
                startBackground(&state) { await self.registerDefinitions(definitions) }
            }
            for name in state.executors.keys.sorted() { startPoller(name, &state) }
            return false
        }
        if stopping { jobs.finish() }
    }

    /// Starts the poll loop of `name` (while ``run()`` runs).
    func startPoller(_ name: String, _ state: inout RunState) {
        guard let jobs = state.jobs else { return }
        let gate = SlotGate(capacity: configuration.concurrency)
        state.pollers[name] = startBackground(&state) { await self.pollLoop(name, gate: gate, jobs: jobs) }
    }

    /// Runs `body` as a background task that shutdown cancels and waits for before the job stream ends.
    @discardableResult
    func startBackground(_ state: inout RunState, _ body: @escaping @Sendable () async -> Void) -> Int {
        let id = state.nextBackgroundID
        state.nextBackgroundID += 1
        // The task cannot end before it is recorded: its end takes the lock held here.
        state.background[id] = Task {
            await body()
            self.backgroundEnded(id)
        }
        return id
    }

    private func backgroundEnded(_ id: Int) {
        let finished = state.withLock { state -> AsyncStream<Job>.Continuation? in
            state.background[id] = nil
            return state.shuttingDown && state.background.isEmpty ? state.jobs : nil
        }
        finished?.finish()
    }

    /// Begins a graceful shutdown: no new polls; running tools get the grace period to finish.
    public func shutdown() {
        let (first, background) = state.withLock { state -> (Bool, [Task<Void, Never>]) in
            guard !state.shuttingDown else { return (false, []) }
            state.shuttingDown = true
            let grace = configuration.shutdownGracePeriod
            state.graceTimer = Task {
                do {
                    try await Task.sleep(for: grace)
                    self.forceStop()
                } catch {}
            }
            return (true, Array(state.background.values))
        }
        guard first else { return }
        metrics.stopping()
        logger.info("shutting down: polling stopped, running tools have \(configuration.shutdownGracePeriod) to finish")
        for task in background { task.cancel() }
        let idle = state.withLock { $0.background.isEmpty ? $0.jobs : nil }
        idle?.finish()
    }

    /// Stops running tools now; they are reported FAILED (retryable), non-idempotent ones terminally.
    private func forceStop() {
        let running = state.withLock { state -> [Task<ToolOutcome, Never>] in
            state.forceStopped = true
            return Array(state.executions.values)
        }
        if !running.isEmpty {
            logger.warning("grace period over: stopping \(running.count) running tools")
        }
        for execution in running { execution.cancel() }
    }

    private var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    // MARK: Polling

    struct Job: Sendable {
        var task: ConductorTask
        var executor: any ToolExecutor
        var gate: SlotGate
    }

    /// Polls `name` until shutdown or until a reload removes it (which cancels the loop).
    private func pollLoop(_ name: String, gate: SlotGate, jobs: AsyncStream<Job>.Continuation) async {
        var failures = 0
        var emptyPolls = 0
        let clock = ContinuousClock()
        while !Task.isCancelled && !isShuttingDown {
            await gate.waitForFree()
            if Task.isCancelled || isShuttingDown { break }
            // Looked up for every poll: a reload may have changed the tool.
            guard let executor = state.withLock({ $0.executors[name] }) else { break }
            let count = gate.free
            guard count > 0 else { continue }
            let started = clock.now
            // The request itself is not cancelled by shutdown: tasks the server hands out in its answer
            // would otherwise be lost until their response timeout.
            let client = self.client
            let configuration = self.configuration
            let poll = Task {
                try await client.pollBatch(
                    taskType: name, workerID: configuration.workerID, domain: configuration.domain, count: count,
                    timeoutMs: configuration.pollTimeoutMilliseconds)
            }
            do {
                let tasks = try await poll.value
                metrics.polled(name, count: tasks.count)
                if failures > 0 {
                    logger.info("server reachable again", metadata: ["tool": .string(name)])
                    failures = 0
                }
                if tasks.isEmpty {
                    emptyPolls += 1
                    // A server that answers empty polls at once (no long-poll) must not be hammered.
                    if clock.now - started < .milliseconds(configuration.pollTimeoutMilliseconds / 2) {
                        try? await Task.sleep(for: .milliseconds(min(250, 1 << min(emptyPolls, 8))))
                    }
                    continue
                }
                emptyPolls = 0
                for task in tasks {
                    gate.acquire()
                    jobStarted(executor)
                    jobs.yield(Job(task: task, executor: executor, gate: gate))
                }
            } catch {
                failures += 1
                metrics.pollFailed(name)
                let delay = backoff(failures)
                let metadata: Logger.Metadata = [
                    "tool": .string(name), "error": .string("\(error)"), "retryIn": .string("\(delay)"),
                ]
                if failures == 1 {
                    logger.warning("poll failed; backing off", metadata: metadata)
                } else {
                    logger.debug("poll failed again", metadata: metadata)
                }
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    break
                }
            }
        }
    }

    /// 0.5 s, 1 s, 2 s, … capped at ``Configuration/maxBackoff``.
    private func backoff(_ failures: Int) -> Duration {
        let milliseconds = 500 * (1 << min(max(failures - 1, 0), 16))
        return min(.milliseconds(milliseconds), configuration.maxBackoff)
    }

    func registerDefinitions(_ definitions: [TaskDef]) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await client.registerTaskDefs(definitions)
                logger.info(
                    "registered task definitions",
                    metadata: ["count": .stringConvertible(definitions.count),
                               "responseTimeoutSeconds": .stringConvertible(configuration.responseTimeoutSeconds)])
                return
            } catch let error as ConductorClientError where !error.isRetryable {
                logger.error("server rejected the task definitions", metadata: ["error": .string(error.description)])
                return
            } catch {
                failures += 1
                do {
                    try await Task.sleep(for: backoff(failures))
                } catch {
                    return
                }
            }
        }
    }

    // MARK: Running and reporting

    private func process(_ job: Job) async {
        var next: ConductorTask? = job.task
        var executor = job.executor
        while let task = next {
            let started = ContinuousClock.now
            let outcome = await execute(task, with: executor)
            let elapsed = ContinuousClock.now - started
            metrics.finished(executor.name, status: outcome.status, duration: elapsed)
            // The next task update-v2 hands out runs with the tool as it is now; a removed tool takes none.
            let current = state.withLock { $0.shuttingDown ? nil : $0.executors[executor.name] }
            next = await report(task, outcome, tool: executor.name, wantNext: configuration.useUpdateV2 && current != nil)
            if next != nil, let current {
                metrics.received(current.name)
                jobStarted(current)
                jobEnded(executor)
                executor = current
            }
        }
        jobEnded(executor)
        job.gate.release()
    }

    private func taskLogger(_ task: ConductorTask, tool: String) -> Logger {
        var logger = self.logger
        logger[metadataKey: "taskId"] = .string(task.taskId)
        logger[metadataKey: "tool"] = .string(tool)
        logger[metadataKey: "executionId"] = .string(task.workflowInstanceId)
        if let agent = task.workflowType { logger[metadataKey: "agent"] = .string(agent) }
        return logger
    }

    private func execute(_ task: ConductorTask, with executor: any ToolExecutor) async -> ToolOutcome {
        let logger = taskLogger(task, tool: executor.name)
        let span = toolSpan(task, executor: executor)
        var traceparent = task.inputData[TracePropagation.inputKey]?.stringValue
        if let span, let tracer = configuration.tracer {
            traceparent = TracePropagation.traceparent(of: span.context, tracer: tracer) ?? traceparent
        }
        let outcome: ToolOutcome
        if let refusal = await lockRefusal(task, executor: executor, logger: logger) {
            outcome = refusal
        } else {
            outcome = await run(task, with: executor, invocation: ToolInvocation(task: task, logger: logger, traceparent: traceparent))
        }
        if let span {
            span.attributes["agentspanc.task.status"] = outcome.taskResultStatus.rawValue
            if outcome.status != .completed { span.setStatus(SpanStatus(code: .error, message: outcome.reason)) }
            span.end()
        }
        return outcome
    }

    /// The span of one tool call (when tracing), a child of the execution span the server named in the task.
    private func toolSpan(_ task: ConductorTask, executor: any ToolExecutor) -> (any Span)? {
        guard let tracer = configuration.tracer else { return nil }
        let parent = task.inputData[TracePropagation.inputKey]?.stringValue
            .map { TracePropagation.context(traceparent: $0, tracer: tracer) } ?? .topLevel
        let span = tracer.startSpan("execute_tool \(executor.name)", context: parent, ofKind: .consumer)
        span.attributes["gen_ai.operation.name"] = "execute_tool"
        span.attributes["gen_ai.tool.name"] = executor.name
        span.attributes["agentspanc.task.id"] = task.taskId
        span.attributes["agentspanc.execution.id"] = task.workflowInstanceId
        span.attributes["agentspanc.task.attempt"] = task.retryCount ?? 0
        span.attributes["agentspanc.worker.id"] = configuration.workerID
        return span
    }

    private func run(_ task: ConductorTask, with executor: any ToolExecutor, invocation: ToolInvocation) async -> ToolOutcome {
        let logger = invocation.logger
        let execution = Task { await executor.execute(invocation) }
        let stopped = state.withLock { state -> Bool in
            state.executions[task.taskId] = execution
            return state.forceStopped
        }
        if stopped { execution.cancel() }
        defer { _ = state.withLock { $0.executions.removeValue(forKey: task.taskId) } }
        logger.debug("running tool", metadata: ["attempt": .stringConvertible(task.retryCount ?? 0)])

        let responseTimeout = task.responseTimeoutSeconds ?? configuration.responseTimeoutSeconds
        var outcome = await withTaskGroup(of: ToolOutcome?.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await execution.value
                } onCancel: {
                    execution.cancel()
                }
            }
            if responseTimeout > 0 {
                group.addTask {
                    await self.heartbeat(task, every: .milliseconds(max(1000, responseTimeout * 500)), logger: logger)
                    return nil
                }
            }
            var outcome = ToolOutcome.failed("Tool '\(executor.name)' produced no outcome")
            for await result in group {
                if let result {
                    outcome = result
                    group.cancelAll()
                }
            }
            return outcome
        }
        if outcome.status == .failed, !executor.isIdempotent, execution.isCancelled {
            // Whatever an executor says about an interrupted side-effecting call, it must not be run again.
            outcome = .interrupted(executor.name, idempotent: false, logs: outcome.logs)
        }
        if outcome.status == .completed {
            logger.debug("tool completed")
        } else {
            logger.info("tool failed", metadata: ["reason": .string(outcome.reason ?? ""), "terminal": .stringConvertible(outcome.status == .failedWithTerminalError)])
        }
        return outcome
    }

    /// Extends the task's lease until cancelled (when the tool finishes).
    private func heartbeat(_ task: ConductorTask, every interval: Duration, logger: Logger) async {
        let beat = TaskResult(
            workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .inProgress,
            workerId: configuration.workerID, extendLease: true)
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            for attempt in 1...3 {
                do {
                    try await client.updateTask(beat)
                    logger.trace("lease extended")
                    break
                } catch is CancellationError {
                    return
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("lease extension failed", metadata: ["attempt": .stringConvertible(attempt), "error": .string("\(error)")])
                    try? await Task.sleep(for: .milliseconds(500 * attempt))
                }
            }
        }
    }

    /// Delivers the outcome; returns the next task when the server hands one out with `update-v2`.
    private func report(_ task: ConductorTask, _ outcome: ToolOutcome, tool: String, wantNext: Bool) async -> ConductorTask? {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let result = TaskResult(
            workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: outcome.taskResultStatus,
            outputData: outcome.output, reasonForIncompletion: outcome.reason, workerId: configuration.workerID,
            logs: outcome.logs.isEmpty ? nil : outcome.logs.map { TaskResult.Log(log: $0, taskId: task.taskId, createdTime: now) })
        let logger = taskLogger(task, tool: tool)
        // Unstructured so that shutdown's cancellation never interrupts a delivery.
        return await Task { await self.deliver(result, tool: tool, wantNext: wantNext, logger: logger) }.value
    }

    private func deliver(_ result: TaskResult, tool: String, wantNext: Bool, logger: Logger) async -> ConductorTask? {
        let clock = ContinuousClock()
        let window = isShuttingDown ? min(configuration.resultRetryWindow, configuration.shutdownGracePeriod + .seconds(5))
            : configuration.resultRetryWindow
        let deadline = clock.now + window
        var failures = 0
        while true {
            do {
                if wantNext && state.withLock({ $0.updateV2Supported }) {
                    do {
                        return try await client.updateTaskV2(result)
                    } catch let error as ConductorClientError where error.isEndpointMissing {
                        try await client.updateTask(result)
                        state.withLock { $0.updateV2Supported = false }
                        logger.info("server has no update-v2; reporting with POST /api/tasks from now on")
                        return nil
                    }
                }
                try await client.updateTask(result)
                return nil
            } catch let error as ConductorClientError where !error.isRetryable {
                logger.error("server rejected the result", metadata: ["error": .string(error.description)])
                return nil
            } catch {
                failures += 1
                if clock.now >= deadline {
                    metrics.resultLost(tool)
                    logger.error(
                        "result lost after \(failures) attempts; the server will retry the task after its response timeout",
                        metadata: ["error": .string("\(error)")])
                    return nil
                }
                if failures == 1 {
                    logger.warning("result delivery failed; retrying", metadata: ["error": .string("\(error)")])
                }
                try? await Task.sleep(for: min(backoff(failures), max(.zero, deadline - clock.now)))
            }
        }
    }
}
