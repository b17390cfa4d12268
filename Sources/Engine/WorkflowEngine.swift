import AsyncHTTPClient
import Foundation
import GRDB
import Logging
import Synchronization
import Workflow

/// The embedded durable Conductor engine: definitions, executions, the task queues of the worker protocol and
/// the journal, all in one SQLite database (WAL). One per process.
///
/// Every state change is committed before the call that caused it returns; the decider runs inside the same
/// transaction, and journal entries are written with the change they describe and published after commit.
public final class WorkflowEngine: Sendable {
    /// Engine settings.
    public struct Configuration: Sendable {
        /// SQLite file; nil keeps everything in memory (tests).
        public var databasePath: String?
        /// Answers LLM_CHAT_COMPLETE tasks.
        public var llm: any LLMProvider
        /// Where the engine logs (errors of background work, recovery).
        public var logger: Logger
        /// Seconds a script (INLINE, SWITCH, DO_WHILE condition) may run.
        public var scriptTimeLimit: Double
        /// How often the sweeper looks for due timeouts, retries, WAIT deadlines and delayed tasks.
        public var sweepInterval: Duration
        /// Rounds one decide may run (each round schedules and runs synchronous tasks) before it hands the rest
        /// to the sweeper, so a runaway loop of synchronous tasks cannot monopolise the database.
        var maxDecideRounds = 1_000
        /// Context window (tokens) for LLM tasks whose input sets no `contextWindow`: longer histories are
        /// condensed (agentspan-compiler.md §8.2).
        public var contextWindow = ContextCondenser.defaultContextWindow
        /// Secrets HTTP and MCP headers may reference as `#{NAME}`, each sent only to its hosts. Nothing else is
        /// substituted.
        public var secrets: [String: Secret] = [:]
        /// Bytes of heap one script evaluation may grow to before it is stopped.
        public var scriptHeapLimit = 256 << 20
        /// Seconds an INLINE script may run inside the engine's write transaction. One that takes longer is
        /// stopped and evaluated again off the transaction (with ``scriptTimeLimit``), so a slow script never
        /// holds up other executions.
        public var inlineScriptBudget = 0.05
        /// Seconds a SWITCH expression or DO_WHILE condition may run; they are evaluated inside the write
        /// transaction, so they are kept short.
        public var conditionTimeLimit = 0.5
        /// Iterations a DO_WHILE may run before it fails.
        public var maxLoopIterations = 10_000
        /// Branches one FORK_JOIN or FORK_JOIN_DYNAMIC may start.
        public var maxForkBranches = 1_000
        /// How deep SUB_WORKFLOWs may nest (a top-level execution is depth 0).
        public var maxSubWorkflowDepth = 32
        /// Bytes of JSON one task's input or output may hold; a task over it fails, naming the size and the limit.
        public var maxTaskPayloadBytes = 4 << 20
        /// Answers the embedding requests of LLM_INDEX_TEXT, LLM_SEARCH_INDEX and LLM_GENERATE_EMBEDDINGS; nil uses
        /// ``llm`` when it has embeddings (a ``ProviderRouter``, a cassette or a recorder do).
        public var embeddings: (any EmbeddingProvider)?
        /// `postgres://user:password@host:port/database` of the PostgreSQL (with pgvector) that tasks naming
        /// `vectorDB: pgvectordb` use; nil keeps their vectors in the engine's SQLite database.
        public var pgvectorURL: String?
        /// Upper bound of one pgvector store or search, connecting included.
        var pgvectorTimeout: Duration = .seconds(30)

        /// Settings with defaults: 4 s scripts, a sweep every second.
        public init(
            databasePath: String?, llm: any LLMProvider, logger: Logger = Logger(label: "agentspanc.engine"),
            scriptTimeLimit: Double = 4, sweepInterval: Duration = .seconds(1)
        ) {
            self.databasePath = databasePath
            self.llm = llm
            self.logger = logger
            self.scriptTimeLimit = scriptTimeLimit
            self.sweepInterval = sweepInterval
        }
    }

    let configuration: Configuration
    var credentials: CredentialReferences { CredentialReferences(values: configuration.secrets) }
    let writer: any DatabaseWriter
    let services: EngineServices
    let waiters = PollWaiters()
    let pollData = PollData()
    let feed = JournalFeed()
    let httpClient: HTTPClient
    /// Embeddings and vector stores of the RAG tasks.
    let rag: RAGServices
    let background = Mutex<[Task<Void, Never>]>([])
    let inFlight = Mutex<Set<String>>([])
    /// Executions with a continuation of their decide queued (``continueDeciding(_:)``).
    let continuing = Mutex<Set<String>>([])
    let isRunning = Mutex(false)
    /// Set by ``halt()``: the engine commits nothing more, as if its process had died.
    let isHalted = Mutex(false)

    /// The client of HTTP and MCP tasks, shared by every engine of the process and never shut down: a refused or
    /// unreachable server fails the task at once (10 s connect timeout) instead of being retried silently until the
    /// request deadline, so the task's own retry policy decides what happens next.
    static let taskHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(10)
        configuration.connectionPool.retryConnectionEstablishment = false
        // HTTPTask follows redirects itself, so a secret is checked against every host it would reach.
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Opens (and migrates) the database.
    public init(configuration: Configuration) async throws {
        self.configuration = configuration
        writer = try Schema.open(path: configuration.databasePath)
        services = EngineServices(
            scripts: ScriptEvaluator(timeLimit: configuration.scriptTimeLimit, heapLimit: configuration.scriptHeapLimit),
            logger: configuration.logger, cache: StateCache(), maxDecideRounds: configuration.maxDecideRounds,
            contextWindow: configuration.contextWindow, limits: EngineLimits(configuration))
        httpClient = Self.taskHTTPClient
        let stores: VectorStores
        do {
            stores = try VectorStores(
                writer: writer, pgvectorURL: configuration.pgvectorURL, timeout: configuration.pgvectorTimeout,
                logger: configuration.logger)
        } catch {
            throw EngineError(.invalidArgument, "invalid pgvector URL: \(error)")
        }
        rag = RAGServices(embeddings: configuration.embeddings ?? configuration.llm as? any EmbeddingProvider, stores: stores)
        if let postgres = stores.postgres {
            background.withLock { $0.append(Task { await postgres.run() }) }
        }
    }

    /// Starts background work: the sweeper (timeouts, retries, WAIT deadlines, delayed tasks) and the runner of
    /// engine-executed tasks; resumes every execution left RUNNING by a previous process.
    public func start() async {
        let first = isRunning.withLock { running -> Bool in
            defer { running = true }
            return !running
        }
        guard first else { return }
        do {
            try await recoverAfterRestart()
        } catch {
            configuration.logger.error("recovery failed: \(error)")
        }
        let interval = configuration.sweepInterval
        let sweeper = Task { [weak self] in
            while !Task.isCancelled {
                guard let engine = self else { return }
                await engine.sweepLoggingErrors()
                try? await Task.sleep(for: interval)
            }
        }
        background.withLock { $0.append(sweeper) }
    }

    /// Stops background work and ends the journal feeds. Pending work stays in the database.
    public func shutdown() async {
        isRunning.withLock { $0 = false }
        let tasks = background.withLock { t in
            defer { t.removeAll() }
            return t
        }
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        feed.finish()
    }

    /// Simulates the death of the process: background work stops at once and nothing is committed any more.
    func halt() {
        isHalted.withLock { $0 = true }
        background.withLock { tasks in
            for t in tasks { t.cancel() }
            tasks.removeAll()
        }
    }

    deinit {
        background.withLock { tasks in for t in tasks { t.cancel() } }
    }

    private func sweepLoggingErrors() async {
        do {
            try await sweep()
        } catch where !Task.isCancelled {
            configuration.logger.error("sweep failed: \(error)")
        } catch {}
    }

    /// Runs `body` and the decides it asks for in one write transaction; publishes the effects after commit.
    func perform<T: Sendable>(_ body: @escaping @Sendable (Session) throws -> T) async throws -> T {
        try await perform(body, then: { _, _ in () }).0
    }

    /// Runs `body` and its decides, then `next` (which sees everything `body` wrote) and its decides, in one write
    /// transaction; publishes the effects of both after commit.
    func perform<T: Sendable, U: Sendable>(
        _ body: @escaping @Sendable (Session) throws -> T, then next: @escaping @Sendable (Session, T) throws -> U
    ) async throws -> (T, U) {
        let services = self.services
        do {
            return try await writer.write { db in
                guard !self.isHalted.withLock({ $0 }) else { throw EngineError(.internal, "the engine has been halted") }
                let session = Session(db: db, services: services)
                let first = try body(session)
                try session.runDecides()
                // Saving now lets `next` query what `body` and its decides wrote; the session keeps the states.
                _ = try session.commit()
                let second = try next(session, first)
                try session.runDecides()
                let effects = try session.commit()
                db.afterNextTransaction(onCommit: { [weak self] _ in self?.publish(effects) })
                return (first, second)
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw storageFailure(error)
        }
    }

    /// A database failure as callers see it: the details (SQL, SQLite's message) go to the log, the caller gets a
    /// plain sentence, so no SQL text reaches an HTTP answer.
    func storageFailure(_ error: any Error) -> EngineError {
        configuration.logger.error("database operation failed: \(error)")
        return EngineError(.internal, "The engine could not read or write its database; the server log has the details")
    }

    private func publish(_ effects: CommitEffects) {
        services.cache.store(effects.committedStates)
        feed.publish(effects.journal, states: effects.committedStates)
        if !effects.readyQueues.isEmpty { waiters.signal(effects.readyQueues) }
        for id in effects.readyAsyncTasks { dispatch(taskID: id) }
        for id in effects.unfinishedDecides { continueDeciding(id) }
    }

    /// Decides `id` again in a transaction of its own, queued behind the writes already waiting, so a long run of
    /// synchronous tasks advances in slices while other executions get their turns.
    private func continueDeciding(_ id: String) {
        guard continuing.withLock({ $0.insert(id).inserted }) else { return }
        Task { [weak self] in
            guard let self, !self.isHalted.withLock({ $0 }) else { return }
            await Task.yield()
            _ = self.continuing.withLock { $0.remove(id) }
            do {
                _ = try await self.perform { session in
                    try session.load(id)?.isDirty = true
                    session.requestDecide(id)
                }
            } catch {
                self.configuration.logger.error(
                    "continuing the decide of \(id) failed: \(error)", metadata: ["executionId": .string(id)])
            }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let error as EngineError {
            throw error
        } catch {
            throw storageFailure(error)
        }
    }

    // MARK: journal

    /// Journal entries of this execution and all its sub-workflows after `afterSeq`, ascending.
    public func journal(rootWorkflowID: String, afterSeq: Int64) async throws -> [JournalEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM journal WHERE root_id = ? AND seq > ? ORDER BY seq",
                arguments: [rootWorkflowID, afterSeq]
            ).map { row in
                JournalEntry(
                    seq: row["seq"], rootWorkflowID: row["root_id"], workflowID: row["workflow_id"],
                    parentWorkflowID: row["parent_id"], taskID: row["task_id"],
                    kind: JournalEntry.Kind(rawValue: row["kind"]) ?? .taskScheduled, time: row["time"])
            }
        }
    }

    /// A live feed of journal entries of every execution, delivered after their commit.
    public func journalUpdates() -> AsyncStream<JournalEntry> {
        feed.subscribe()
    }

    /// The same feed, the entries of one commit at a time.
    public func journalBatches() -> AsyncStream<[JournalEntry]> {
        feed.subscribeEntryBatches()
    }

    /// The entries of each commit with their task and execution as the commit left them, so a consumer needs no
    /// read; one element per commit.
    public func journalRecords() -> AsyncStream<[JournalUpdate]> {
        feed.subscribeUpdates()
    }
}
