import AgentRuntime
import Foundation
import Synchronization
import Workflow

/// Watches a running execution for worker tasks nobody has polled (its tools have no worker), and says so once
/// per task name on stderr: without it a run without a worker just looks hung.
final class StalledTaskWatcher: Sendable {
    let handle: AgentHandle
    /// The second sentence of the note.
    let hint: String
    /// How long a task may sit unpolled before it is reported.
    let patience: Duration
    let interval: Duration
    /// When the stream last delivered an event: the execution is only inspected after `patience` of silence.
    let lastEvent = Mutex(ContinuousClock.now)

    init(handle: AgentHandle, hint: String, patience: Duration = .seconds(10), interval: Duration = .seconds(2)) {
        self.handle = handle
        self.hint = hint
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
            for name in await unpolledTasks() where reported.insert(name).inserted {
                let seconds = Int(patience.components.seconds)
                FileHandle.standardError.write(Data("note: no worker has taken '\(name)' for \(seconds) s. \(hint)\n".utf8))
            }
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
