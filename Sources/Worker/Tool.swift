import Logging
import Workflow

/// A tool written in Swift, served by a worker executable you build yourself (register it with
/// ``ToolWorker/init(client:tools:commandTools:configuration:logger:)``) or by a plugin executable
/// (``PluginHost/serve(_:)``).
///
/// ```swift
/// struct WordCount: Tool {
///     struct Input: Decodable, Sendable { var text: String }
///     struct Output: Encodable, Sendable { var words: Int }
///     static let name = "word_count"
///     func call(_ input: Input, context: ToolContext) async throws -> Output {
///         Output(words: input.text.split(whereSeparator: \.isWhitespace).count)
///     }
/// }
/// ```
///
/// An output that encodes to a JSON object becomes the task output; any other value becomes
/// `{"result": value}`. A thrown ``TerminalToolError`` fails the task without retries; any other error fails
/// it retryably with the error's description as the reason.
public protocol Tool: Sendable {
    associatedtype Input: Decodable & Sendable
    associatedtype Output: Encodable & Sendable

    /// The task name (the tool name the LLM calls).
    static var name: String { get }
    /// Shown in the registered task definition and in plugin listings.
    static var description: String { get }
    /// JSON Schema of the input, checked before `call` (internal server keys are removed either way).
    static var inputSchema: JSONValue? { get }
    /// `false` for tools with side effects: failures are never retried.
    static var isIdempotent: Bool { get }

    func call(_ input: Input, context: ToolContext) async throws -> Output
}

extension Tool {
    public static var description: String { "" }
    public static var inputSchema: JSONValue? { nil }
    public static var isIdempotent: Bool { true }
}

/// What a ``Tool`` knows about the call it serves.
public struct ToolContext: Sendable {
    public var taskID: String
    /// The workflow execution id.
    public var executionID: String
    public var toolName: String
    /// Stable across retries of the same step; use it to make side effects idempotent.
    public var idempotencyKey: String
    /// 0 for the first attempt.
    public var attempt: Int
    /// Carries `taskId` and `tool` metadata.
    public var logger: Logger

    public init(
        taskID: String, executionID: String, toolName: String, idempotencyKey: String, attempt: Int, logger: Logger
    ) {
        self.taskID = taskID
        self.executionID = executionID
        self.toolName = toolName
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
        self.logger = logger
    }
}

/// Thrown by a tool for a failure that retrying cannot fix (bad input, a refused operation).
public struct TerminalToolError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Runs a Swift ``Tool`` for the worker: validates and decodes the input, calls, encodes the output.
struct SwiftToolExecutor<T: Tool>: ToolExecutor {
    let tool: T
    let validator: ArgumentValidator

    init(_ tool: T) {
        self.tool = tool
        self.validator = ArgumentValidator(toolName: T.name, schema: T.inputSchema)
    }

    var name: String { T.name }
    var description: String { T.description }
    var isIdempotent: Bool { T.isIdempotent }

    func execute(_ invocation: ToolInvocation) async -> ToolOutcome {
        let arguments: [String: JSONValue]
        do {
            arguments = try validator.validate(invocation.input)
        } catch {
            return .terminal(error.description)
        }
        let input: T.Input
        do {
            input = try JSONValue.object(arguments).decode(T.Input.self)
        } catch {
            return .terminal("Invalid arguments for tool '\(name)': \(Self.describe(error))")
        }
        let context = ToolContext(
            taskID: invocation.taskID, executionID: invocation.executionID, toolName: name,
            idempotencyKey: invocation.idempotencyKey, attempt: invocation.attempt, logger: invocation.logger)
        do {
            let output = try await tool.call(input, context: context)
            return .completed(ToolOutcome.output(from: try JSONValue.from(output)))
        } catch let error as TerminalToolError {
            return .terminal(error.message)
        } catch is CancellationError {
            return .interrupted(name, idempotent: isIdempotent)
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// Decoding errors in words: which key is missing or has the wrong type.
    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing argument '\(path(context.codingPath + [key]))'"
        case .typeMismatch(let type, let context):
            return "'\(path(context.codingPath))' must be \(type)"
        case .valueNotFound(let type, let context):
            return "'\(path(context.codingPath))' must be a \(type), not null"
        case .dataCorrupted(let context):
            return "'\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }
}
