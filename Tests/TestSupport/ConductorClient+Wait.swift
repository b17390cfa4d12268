import ConductorClient
import Foundation
import Workflow

extension ConductorClient {
    /// The execution once it ended, or as it stands when `timeout` ran out (tests then check its status).
    public func waitForEnd(_ id: String, timeout: Duration) async throws -> WorkflowExecution {
        var execution = try await workflow(id: id, includeTasks: true)
        let deadline = ContinuousClock.now + timeout
        while !execution.status.isTerminal && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            execution = try await workflow(id: id, includeTasks: true)
        }
        return execution
    }
}
