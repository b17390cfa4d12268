import AgentSpec
import Foundation
import TracePropagation
import Workflow

/// A tool bound to a program with `run: {command: [...]}`: arguments are validated against the input schema,
/// rendered into argv per ``ArgvTemplate`` (or passed as JSON on stdin), and the program runs without a shell
/// in a clean environment, its own session, a timeout that ends its whole process tree (``ToolProcessTree``) and an
/// output cap.
///
/// Results: stdout holding a JSON object is the task output, other JSON is `{"result": value}`, other text is
/// `{"result": text}`; stderr and the exit code go to the task logs. A non-zero exit is a retryable failure
/// (terminal for `idempotent: false` tools); a timeout, bad arguments or a missing program are terminal.
///
/// With `shell: true`, `command[0]` is a script for `/bin/sh -c` and the rendered remaining elements are its
/// positional parameters (`$1`, `$2`, …), so values still never become shell code.
public struct CommandTool: ToolExecutor {
    /// Used when the binding sets no `timeoutSeconds`.
    public static let defaultTimeoutSeconds: Double = 120
    /// Used when the binding sets no `maxOutputBytes`.
    public static let defaultMaxOutputBytes = 1 << 20

    public let definition: WorkerToolDefinition
    let template: ArgvTemplate
    let validator: ArgumentValidator
    let environment: ToolEnvironment
    let workingDirectory: String
    let program: String

    public var name: String { definition.name }
    public var description: String { definition.description }
    public var isIdempotent: Bool { definition.isIdempotent }
    public var registeredBinding: ToolBinding? { definition.binding.withoutEnvironmentValues }
    public var registeredLock: String? { definition.lock?.hash }
    public var lockedDefinition: WorkerToolDefinition? { definition.lock == nil ? nil : definition }

    /// Checks the binding; throws for spec mistakes (empty command, placeholders in the wrong place, unknown
    /// parameters).
    public init(_ definition: WorkerToolDefinition) throws(WorkerConfigurationError) {
        let binding = definition.binding
        guard let command = binding.command else {
            throw WorkerConfigurationError(tool: definition.name, message: "run: has no command")
        }
        let declared = definition.inputSchema?["properties"].objectValue.map { Set($0.keys) }
        let template = try ArgvTemplate(command, tool: definition.name, parameters: declared)
        self.definition = definition
        self.template = template
        self.validator = ArgumentValidator(toolName: definition.name, schema: definition.inputSchema)
        self.environment = ToolEnvironment(inheritNames: binding.inheritEnv ?? [], values: binding.env ?? [:])
        self.workingDirectory = Self.resolve(binding.cwd ?? ".", against: definition.baseDirectory)
        let program = template.program
        // A shell script is text, not a path; a program path with a slash is relative to the spec.
        self.program = binding.shell != true && program.contains("/")
            ? Self.resolve(program, against: definition.baseDirectory) : program
    }

    public func execute(_ invocation: ToolInvocation) async -> ToolOutcome {
        let binding = definition.binding
        let arguments: [String: JSONValue]
        do {
            arguments = try validator.validate(invocation.input)
        } catch {
            return .terminal(error.description)
        }
        let rendered: [String]
        do {
            rendered = try template.renderArguments(arguments, allowLeadingDash: binding.allowLeadingDash ?? false)
        } catch {
            return .terminal("Invalid arguments for tool '\(name)': \(error.description)")
        }
        let env: [String: String]
        var extra = [
            "AGENTSPAN_TASK_ID": invocation.taskID,
            "AGENTSPAN_EXECUTION_ID": invocation.executionID,
            "AGENTSPAN_TOOL": name,
            "AGENTSPAN_IDEMPOTENCY_KEY": invocation.idempotencyKey,
            "AGENTSPAN_ATTEMPT": String(invocation.attempt),
        ]
        if let traceparent = invocation.traceparent { extra[TracePropagation.environmentName] = traceparent }
        do {
            env = try environment.resolve(extra: extra)
        } catch {
            return .terminal("Tool '\(name)' is misconfigured: \(error.description)")
        }
        var request = ProcessRunner.Request(
            program: program, arguments: rendered, environment: env, workingDirectory: workingDirectory,
            standardInput: nil, timeout: .milliseconds(Int64((binding.timeoutSeconds ?? Self.defaultTimeoutSeconds) * 1000)),
            maxOutputBytes: binding.maxOutputBytes ?? Self.defaultMaxOutputBytes)
        if binding.shell == true {
            request.program = "/bin/sh"
            request.arguments = ["-c", program, name] + rendered
        }
        if binding.stdin == .json {
            request.standardInput = Data(JSONValue.object(arguments).jsonText().utf8)
        }
        let result: ProcessRunner.Result
        do {
            result = try await ProcessRunner.run(request)
        } catch let error as ProcessRunner.LaunchError {
            return error.isPermanent ? .terminal("Tool '\(name)': \(error)") : .failed("Tool '\(name)': \(error)")
        } catch {
            return .interrupted(name, idempotent: isIdempotent)
        }
        return Self.outcome(of: result, tool: name, idempotent: isIdempotent, timeoutSeconds: binding.timeoutSeconds ?? Self.defaultTimeoutSeconds)
    }

    /// Maps a finished process to a task outcome.
    static func outcome(of result: ProcessRunner.Result, tool: String, idempotent: Bool, timeoutSeconds: Double) -> ToolOutcome {
        let stdout = String(decoding: result.standardOutput, as: UTF8.self)
        let stderr = String(decoding: result.standardError, as: UTF8.self)
        let milliseconds = Int(result.duration.components.seconds * 1000)
            + Int(result.duration.components.attoseconds / 1_000_000_000_000_000)
        var logs: [String] = []
        switch result.termination {
        case .exited(let code): logs.append("exit code \(code) after \(milliseconds) ms (pid \(result.processID))")
        case .signaled(let signal): logs.append("killed by signal \(signal) after \(milliseconds) ms")
        case .timedOut: logs.append("timed out after \(milliseconds) ms; every process of the call killed")
        }
        if !stderr.isEmpty {
            logs.append("stderr\(result.errorTruncated ? " (tail)" : ""): \(stderr)")
        }
        if result.outputTruncated {
            logs.append("stdout truncated to \(result.standardOutput.count) bytes")
        }

        switch result.termination {
        case .exited(0):
            var output = parseOutput(stdout)
            if result.outputTruncated { output["_truncated"] = true }
            return .completed(output, logs: logs)
        case .timedOut:
            return .terminal(
                "Tool '\(tool)' timed out after \(formatSeconds(timeoutSeconds)) s and was killed", logs: logs)
        case .exited(let code):
            return ToolOutcome(
                status: idempotent ? .failed : .failedWithTerminalError,
                output: [
                    "_exitCode": .int(Int(code)), "_stderr": .string(tail(stderr, 4000)),
                    "result": .string(tail(stdout, 4000)),
                ],
                reason: "Tool '\(tool)' exited with code \(code)" + detail(stderr: stderr, stdout: stdout), logs: logs)
        case .signaled(let signal):
            return ToolOutcome(
                status: idempotent ? .failed : .failedWithTerminalError,
                output: ["_signal": .int(Int(signal)), "_stderr": .string(tail(stderr, 4000))],
                reason: "Tool '\(tool)' was killed by signal \(signal)" + detail(stderr: stderr, stdout: stdout), logs: logs)
        }
    }

    /// stdout as task output: a JSON object as is, other JSON as `{"result": value}`, text as `{"result": text}`.
    static func parseOutput(_ stdout: String) -> [String: JSONValue] {
        let trimmed = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if let first = trimmed.first, "{[\"-0123456789tfn".contains(first), let value = try? JSONValue.parse(trimmed) {
            return ToolOutcome.output(from: value)
        }
        var text = stdout
        if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
        return ["result": .string(text)]
    }

    private static func detail(stderr: String, stdout: String) -> String {
        let message = stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? stdout : stderr
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "" : ": " + tail(trimmed, 2000)
    }

    private static func tail(_ text: String, _ limit: Int) -> String {
        text.count > limit ? "…" + String(text.suffix(limit)) : text
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    /// `path` if absolute, else `base/path`, normalised.
    static func resolve(_ path: String, against base: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: base).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }
}
