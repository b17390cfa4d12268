import AgentSpec
import Foundation
import Workflow

/// One tool the worker serves from a spec: what the LLM sees (name, description, input schema) plus how to
/// run it (the `run:` binding). The CLI maps spec tools onto this type.
public struct WorkerToolDefinition: Sendable, Hashable {
    /// The task name the worker polls (the tool name verbatim).
    public var name: String
    public var description: String
    /// JSON Schema of the arguments; validated before anything runs. `nil` accepts any object.
    public var inputSchema: JSONValue?
    public var binding: ToolBinding
    /// Directory of the spec file: relative paths in the binding (`command[0]`, `cwd`, `plugin`) resolve
    /// against it.
    public var baseDirectory: String
    /// What the tool may do, hashed from the spec it was loaded from; compared with the lock of the server's
    /// workflow before the tool is served.
    public var lock: ToolFingerprint?
    /// The declared effect (`read`, `write`, `destructive`), if any.
    public var effect: ToolEffect?

    public init(
        name: String, description: String = "", inputSchema: JSONValue? = nil, binding: ToolBinding,
        baseDirectory: String
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.binding = binding
        self.baseDirectory = baseDirectory
    }

    /// `false` when the binding declares side effects (`idempotent: false`): failures are never retried.
    public var isIdempotent: Bool { binding.idempotent ?? true }
}

/// A spec problem found when the worker loads a tool (before it polls anything).
public struct WorkerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The tool the problem belongs to.
    public var tool: String
    public var message: String

    public init(tool: String, message: String) {
        self.tool = tool
        self.message = message
    }

    public var description: String { "tool '\(tool)': \(message)" }
}

extension WorkerToolDefinition {
    /// What this tool starts: its plugin or `command[0]` (`/bin/sh` in shell mode), a path resolved against the
    /// spec's directory; a bare name is looked up in `PATH` when it runs.
    public var program: String {
        let target = binding.plugin ?? (binding.shell == true ? "/bin/sh" : binding.command?.first ?? "")
        return target.contains("/") ? CommandTool.resolve(target, against: baseDirectory) : target
    }

    /// Why ``program`` cannot be started on this machine (missing, not executable, not on `PATH`), or nil.
    public func programProblem(path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") -> String? {
        let program = self.program
        if program.isEmpty { return "run: names no program" }
        if program.contains("/") {
            return FileManager.default.isExecutableFile(atPath: program) ? nil : "\(program) is missing or not executable"
        }
        let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
        return found ? nil : "\(program) is not on PATH"
    }
}
