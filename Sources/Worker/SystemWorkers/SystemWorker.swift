import Foundation
import Workflow

/// A deterministic worker that compiled multi-agent workflows call (termination, transfer tools, check_transfer,
/// handoff_check, process_selection): a dynamic task name plus a function of the call.
///
/// Built from a ``SystemWorkerDefinition`` by ``SystemWorkerDefinition/executor``; the generic worker serves
/// them next to the spec's command tools.
public struct SystemWorker: ToolExecutor {
    public let name: String
    public let description: String
    public var isIdempotent: Bool { true }
    private let evaluate: @Sendable (ToolInvocation) -> ToolOutcome

    /// Creates a worker answering every call of `name` with `evaluate(invocation)`.
    public init(name: String, description: String, evaluate: @escaping @Sendable (ToolInvocation) -> ToolOutcome) {
        self.name = name
        self.description = description
        self.evaluate = evaluate
    }

    public func execute(_ invocation: ToolInvocation) async -> ToolOutcome {
        evaluate(invocation)
    }
}

/// Lenient readings of task inputs: Conductor expressions resolve to strings, numbers or booleans depending on
/// where the value came from (a workflow variable set from a string, a loop's integer iteration, …).
enum SystemInput {
    /// `true`, `"true"` (any case) and non-zero numbers are true.
    static func bool(_ value: JSONValue?) -> Bool {
        switch value ?? .null {
        case .bool(let flag): return flag
        case .string(let text): return text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
        case .int(let number): return number != 0
        case .double(let number): return number != 0
        default: return false
        }
    }

    /// An integer from a number or a numeric string.
    static func int(_ value: JSONValue?) -> Int? {
        switch value ?? .null {
        case .string(let text): return Int(text.trimmingCharacters(in: .whitespaces))
        default: return value?.intValue
        }
    }

    /// Text as the reference workers see it: strings as they are, null as empty, anything else as JSON.
    static func text(_ value: JSONValue?) -> String {
        switch value ?? .null {
        case .null: return ""
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return String(flag)
        default: return value?.jsonText() ?? ""
        }
    }
}
