import Logging
import Workflow

extension ToolWorker {
    /// What a ``ToolWorker/reload(_:)`` changed, by task name.
    public struct ReloadSummary: Sendable, Hashable, CustomStringConvertible {
        /// Task names served from now on that were not served before.
        public var added: [String] = []
        /// Task names still served whose definition changed (binding, schema, settings).
        public var changed: [String] = []
        /// Task names no longer polled.
        public var removed: [String] = []

        public init(added: [String] = [], changed: [String] = [], removed: [String] = []) {
            self.added = added
            self.changed = changed
            self.removed = removed
        }

        /// Whether the reload changed nothing.
        public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }

        /// `added a, b; changed c; removed d`, or `no changes`.
        public var description: String {
            let parts = [("added", added), ("changed", changed), ("removed", removed)]
                .filter { !$0.1.isEmpty }
                .map { "\($0.0) \($0.1.joined(separator: ", "))" }
            return parts.isEmpty ? "no changes" : parts.joined(separator: "; ")
        }
    }

    /// Serves `tools` from now on, in place of the spec tools served so far (the Swift tools given at creation
    /// stay): new task names are polled, removed ones stop being polled, changed ones run their new definition
    /// from the next call and have their task definitions registered again. Calls already running finish
    /// undisturbed with the definition they started with; a plugin no longer used is stopped after its last call.
    ///
    /// - Throws: ``WorkerConfigurationError`` for a broken binding or two tools with one name; the worker then
    ///   keeps serving what it served before.
    @discardableResult
    public func reload(_ tools: SpecTools) throws(WorkerConfigurationError) -> ReloadSummary {
        let extra = try tools.executors()
        let sources = tools.sources
        let (summary, work) = try state.withLock { state throws(WorkerConfigurationError) -> (ReloadSummary, ReloadWork) in
            let built = try Self.build(
                swiftExecutors: swiftExecutors, commandTools: tools.bound, executors: extra, plugins: state.plugins,
                logger: logger, metrics: metrics)
            let old = Set(state.executors.keys)
            let new = Set(built.executors.keys)
            let summary = ReloadSummary(
                added: new.subtracting(old).sorted(),
                changed: new.intersection(old).filter { state.sources[$0] != sources[$0] }.sorted(),
                removed: old.subtracting(new).sorted())
            var work = ReloadWork()

            let kept = Set(built.plugins.values.map(ObjectIdentifier.init))
            for plugin in state.plugins.values where !kept.contains(ObjectIdentifier(plugin)) {
                if (state.pluginJobs[ObjectIdentifier(plugin)] ?? 0) > 0 {
                    state.retiredPlugins[ObjectIdentifier(plugin)] = plugin
                } else {
                    work.idlePlugins.append(plugin)
                }
            }
            state.executors = built.executors
            state.sources = sources
            state.plugins = built.plugins

            guard state.jobs != nil, !state.shuttingDown else { return (summary, work) }
            for name in summary.removed {
                if let id = state.pollers.removeValue(forKey: name), let poller = state.background[id] {
                    work.stoppedPollers.append(poller)
                }
                metrics.stoppedPolling(name)
            }
            for name in summary.added { startPoller(name, &state) }
            let registered = summary.added + summary.changed
            if configuration.registerTaskDefinitions, !registered.isEmpty {
                let definitions = taskDefinitions(of: built.executors.filter { registered.contains($0.key) })
                startBackground(&state) { await self.registerDefinitions(definitions) }
            }
            return (summary, work)
        }
        // A poll already sent still delivers its tasks; they run with the definition they were polled for.
        for poller in work.stoppedPollers { poller.cancel() }
        for plugin in work.idlePlugins {
            Task { await plugin.stop() }
        }
        logger.info(
            "reloaded: \(summary)",
            metadata: ["added": .array(summary.added.map { .string($0) }), "changed": .array(summary.changed.map { .string($0) }),
                       "removed": .array(summary.removed.map { .string($0) })])
        return summary
    }

    private struct ReloadWork: Sendable {
        var stoppedPollers: [Task<Void, Never>] = []
        var idlePlugins: [PluginProcess] = []
    }

    /// Counts a polled job against its plugin, so a reload does not stop a plugin with calls in flight.
    func jobStarted(_ executor: any ToolExecutor) {
        guard let plugin = (executor as? PluginTool)?.process else { return }
        state.withLock { $0.pluginJobs[ObjectIdentifier(plugin), default: 0] += 1 }
    }

    /// Ends the count of ``jobStarted(_:)``; stops a retired plugin after its last job.
    func jobEnded(_ executor: any ToolExecutor) {
        guard let plugin = (executor as? PluginTool)?.process else { return }
        let retired = state.withLock { state -> PluginProcess? in
            let id = ObjectIdentifier(plugin)
            let left = (state.pluginJobs[id] ?? 1) - 1
            state.pluginJobs[id] = left > 0 ? left : nil
            return left > 0 ? nil : state.retiredPlugins.removeValue(forKey: id)
        }
        if let retired {
            Task { await retired.stop() }
        }
    }
}

/// What a served task name was built from; a reload compares them to tell changed definitions.
enum TaskSource: Hashable, Sendable {
    case tool(WorkerToolDefinition)
    case systemWorker(SystemWorkerDefinition)
    case userCode(UserCodeTask)
}

extension SpecTools {
    /// What each task name was built from.
    var sources: [String: TaskSource] {
        var sources: [String: TaskSource] = [:]
        for definition in bound { sources[definition.name] = .tool(definition) }
        for worker in systemWorkers { sources[worker.name] = .systemWorker(worker) }
        for task in userCodeWorkers { sources[task.name] = .userCode(task) }
        return sources
    }
}
