import AgentSpec
import Foundation
import Workflow

/// A spec tool bound with `run: {plugin: PATH}`: arguments are validated against the spec's input schema and
/// sent to the shared ``PluginProcess`` for that path.
struct PluginTool: ToolExecutor {
    let definition: WorkerToolDefinition
    let process: PluginProcess
    let validator: ArgumentValidator
    let timeout: Duration

    init(_ definition: WorkerToolDefinition, process: PluginProcess) {
        self.definition = definition
        self.process = process
        self.validator = ArgumentValidator(toolName: definition.name, schema: definition.inputSchema)
        let seconds = definition.binding.timeoutSeconds ?? CommandTool.defaultTimeoutSeconds
        self.timeout = .milliseconds(Int64(seconds * 1000))
    }

    var name: String { definition.name }
    var description: String { definition.description }
    var isIdempotent: Bool { definition.isIdempotent }
    var registeredBinding: ToolBinding? { definition.binding.withoutEnvironmentValues }
    var registeredLock: String? { definition.lock?.hash }
    var lockedDefinition: WorkerToolDefinition? { definition.lock == nil ? nil : definition }

    struct TimedOut: Error {}

    func execute(_ invocation: ToolInvocation) async -> ToolOutcome {
        let arguments: [String: JSONValue]
        do {
            arguments = try validator.validate(invocation.input)
        } catch {
            return .terminal(error.description)
        }
        let request = PluginProtocol.Request(
            id: "", tool: name, arguments: arguments, taskId: invocation.taskID, executionId: invocation.executionID,
            idempotencyKey: invocation.idempotencyKey, attempt: invocation.attempt, traceparent: invocation.traceparent)
        let process = self.process
        let timeout = self.timeout
        let response: PluginProtocol.Response
        do {
            response = try await withThrowingTaskGroup(of: PluginProtocol.Response.self) { group in
                group.addTask { try await process.call(request) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw TimedOut()
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch is TimedOut {
            return .terminal("Tool '\(name)' timed out after \(timeout) in plugin \(process.path)")
        } catch let error as PluginProcess.StartError {
            return .terminal("Tool '\(name)': \(error.description)")
        } catch is CancellationError {
            return .interrupted(name, idempotent: isIdempotent)
        } catch {
            return .failed("Tool '\(name)': \(error)")
        }
        if let message = response.error {
            let terminal = response.terminal == true || !isIdempotent
            return terminal ? .terminal(message) : .failed(message)
        }
        return .completed(ToolOutcome.output(from: response.output ?? .object([:])))
    }
}
