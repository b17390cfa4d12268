import Foundation
import Synchronization
import Workflow

/// Watches a running execution for worker tasks nobody has polled (its tools have no worker), and reports each
/// task name once: without it a run without a worker just looks hung.
final class StalledTaskWatcher: Sendable {
    let handle: AgentHandle
    /// Called once per task name nobody polled for `patience`.
    let report: @Sendable (String) -> Void
    /// How long a task may sit unpolled before it is reported.
    let patience: Duration
    let interval: Duration
    /// When the stream last delivered an event: the execution is only inspected after `patience` of silence.
    let lastEvent = Mutex(ContinuousClock.now)

    init(handle: AgentHandle, patience: Duration, interval: Duration = .seconds(2), report: @escaping @Sendable (String) -> Void) {
        self.handle = handle
        self.report = report
        self.patience = patience
        self.interval = interval
    }

    /// Call for every event the stream delivers.
    func sawEvent() { lastEvent.withLock { $0 = .now } }

    func watch() async {
        var reported: Set<String> = []
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            guard ContinuousClock.now - lastEvent.withLock({ $0 }) >= patience else { continue }
            for name in await unpolledTasks() where reported.insert(name).inserted { report(name) }
        }
    }

    /// Names of SIMPLE tasks scheduled longer than `patience` ago and never polled, in the execution and its
    /// sub-workflows.
    private func unpolledTasks() async -> [String] {
        let conductor = handle.runtime.client.conductor
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let patienceMs = patience.components.seconds * 1000
        var pending = [handle.executionID]
        var names: [String] = []
        var visited = 0
        while let id = pending.popLast(), visited < 50 {
            visited += 1
            guard let execution = try? await conductor.workflow(id: id, includeTasks: true),
                  execution.status == .running else { continue }
            for task in execution.tasks {
                if let child = task.subWorkflowId, !task.status.isTerminal { pending.append(child) }
                guard task.taskType != "SUB_WORKFLOW", task.workflowTask?.type ?? "SIMPLE" == "SIMPLE",
                      task.status == .scheduled, (task.pollCount ?? 0) == 0,
                      let scheduled = task.scheduledTime, now - scheduled >= patienceMs else { continue }
                names.append(task.taskDefName ?? task.taskType)
            }
        }
        return names
    }
}
