import Workflow

extension AgentHandle {
    /// Follows the execution's stream to its end and returns its final status.
    ///
    /// - `onEvent` gets every event (sub-agents' included).
    /// - `onWaiting`, when given, gets every `waiting` event with the handle of the execution that waits (a
    ///   sub-agent's own), to answer it (``approve()``, ``reject(reason:)``, ``respond(_:)``, ``send(_:)``) before
    ///   the stream goes on.
    /// - `onStalledTask` gets, once per task name, a worker task nobody has polled for `stallPatience` while the
    ///   stream was silent (no worker serves that tool): without it a run without a worker just looks hung.
    public func follow(
        after lastEventID: Int = 0, stallPatience: Duration = .seconds(10),
        onEvent: (AgentEvent) async throws -> Void,
        onWaiting: ((AgentEvent, AgentHandle) async throws -> Void)? = nil,
        onStalledTask: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> WorkflowStatus {
        let stalls = StalledTaskWatcher(handle: self, patience: stallPatience, report: onStalledTask)
        let watcher = Task { await stalls.watch() }
        defer { watcher.cancel() }
        var terminal: AgentEvent?
        for try await event in stream(after: lastEventID) {
            stalls.sawEvent()
            try await onEvent(event)
            if event.type == .waiting, let onWaiting {
                try await onWaiting(event, AgentHandle(executionID: event.executionID, runtime: runtime))
            }
            if event.ends(executionID) { terminal = event }
        }
        if terminal?.type == .done { return .completed }
        return try await status().status
    }
}
