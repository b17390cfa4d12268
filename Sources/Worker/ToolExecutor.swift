import AgentSpec
/// Something the worker runs for one task name: a command tool, a plugin tool, an in-process Swift ``Tool``.
public protocol ToolExecutor: Sendable {
    /// The task name to poll.
    var name: String { get }
    /// Shown in the registered task definition.
    var description: String { get }
    /// `false` registers the task with no retries.
    var isIdempotent: Bool { get }
    /// The `run:` binding this executor runs, registered with the task definition so a server can show what the
    /// worker serving the tool runs (environment values left out: they may be credentials). `nil` for Swift tools.
    var registeredBinding: ToolBinding? { get }
    /// The hash of the tool lock this executor serves (``ToolFingerprint/hash``), registered with the task
    /// definition so the server can tell a worker serving another version of the tool. `nil` for Swift tools.
    var registeredLock: String? { get }
    /// The spec tool this executor serves when it has a tool lock, compared with the lock of each polled task's
    /// workflow (``ToolWorker/Configuration/checkToolLocks``). `nil` for Swift tools and tools without a lock.
    var lockedDefinition: WorkerToolDefinition? { get }
    /// Runs one call. Never throws: every failure is an outcome the LLM can read. When the calling task is
    /// cancelled (worker shutdown) the executor stops its work and returns promptly.
    func execute(_ invocation: ToolInvocation) async -> ToolOutcome
}

extension ToolExecutor {
    public var registeredBinding: ToolBinding? { nil }
    public var registeredLock: String? { nil }
    public var lockedDefinition: WorkerToolDefinition? { nil }
}
