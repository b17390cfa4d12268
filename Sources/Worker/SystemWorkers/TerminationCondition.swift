import AgentSpec
import Foundation
import Workflow

/// Evaluates a spec's `termination` condition tree for the `R(X)_termination` worker.
///
/// Input `{result, iteration, messages?}` (`result` is the LLM answer of a tool agent, or the whole transcript of a
/// round_robin/random/manual/swarm parent); output `{should_continue, reason}`. Semantics of the reference
/// workers: `text_mention` terminates when `result` contains `text` (case-insensitive when `caseSensitive: false`);
/// `stop_message` when the trimmed `result` equals `stopMessage` (default `TERMINATE`); `max_message` when
/// `iteration >= maxMessages` (default 10); `token_usage` when the usage found in `result.tokenUsed` (or an input
/// `tokenUsed`/`usage`) exceeds a non-zero limit; `and` when every child terminates; `or` when any does. An unknown
/// type never terminates.
public struct TerminationCondition: Sendable, Hashable {
    public var config: TerminationConfig

    /// Wraps a condition tree.
    public init(_ config: TerminationConfig) { self.config = config }

    /// The verdict for one task input.
    public func evaluate(_ input: [String: JSONValue]) -> [String: JSONValue] {
        let context = Context(
            result: input["result"] ?? .null, iteration: SystemInput.int(input["iteration"]) ?? 0,
            usage: Self.usage(in: input))
        let reasons = Self.terminate(config, context)
        guard let reasons else { return ["should_continue": true, "reason": ""] }
        return ["should_continue": false, "reason": .string(reasons.joined(separator: "; "))]
    }

    /// The task executor for `name`.
    public func executor(name: String) -> SystemWorker {
        SystemWorker(name: name, description: "Termination condition (\(config.type))") { invocation in
            .completed(evaluate(invocation.input))
        }
    }

    private struct Context {
        var result: JSONValue
        var iteration: Int
        var usage: [String: Int]
        var text: String { SystemInput.text(result) }
    }

    /// The reasons to terminate, or nil to continue.
    private static func terminate(_ condition: TerminationConfig, _ context: Context) -> [String]? {
        switch condition.type {
        case "text_mention":
            guard let needle = condition.text, !needle.isEmpty else { return nil }
            let found = condition.caseSensitive == false
                ? context.text.range(of: needle, options: .caseInsensitive) != nil
                : context.text.contains(needle)
            return found ? ["Text mention detected: \(needle)"] : nil
        case "stop_message":
            let stop = condition.stopMessage ?? "TERMINATE"
            return context.text.trimmingCharacters(in: .whitespacesAndNewlines) == stop ? ["Stop message received"] : nil
        case "max_message":
            let limit = condition.maxMessages ?? 10
            return context.iteration >= limit ? ["Max messages reached: \(limit)"] : nil
        case "token_usage":
            var reasons: [String] = []
            let limits: [(Int?, String, String)] = [
                (condition.maxTotalTokens, "total_tokens", "Total token limit exceeded"),
                (condition.maxPromptTokens, "prompt_tokens", "Prompt token limit exceeded"),
                (condition.maxCompletionTokens, "completion_tokens", "Completion token limit exceeded"),
            ]
            for (limit, key, reason) in limits {
                if let limit, limit > 0, let used = context.usage[key], used > limit { reasons.append(reason) }
            }
            return reasons.isEmpty ? nil : reasons
        case "and":
            let children = condition.conditions ?? []
            guard !children.isEmpty else { return nil }
            var reasons: [String] = []
            for child in children {
                guard let childReasons = terminate(child, context) else { return nil }
                reasons += childReasons
            }
            return reasons
        case "or":
            let reasons = (condition.conditions ?? []).compactMap { terminate($0, context) }.flatMap { $0 }
            return reasons.isEmpty ? nil : reasons
        default:
            return nil
        }
    }

    /// Token counts from `result.tokenUsed`, or a `tokenUsed`/`usage` input; camelCase keys are accepted too.
    private static func usage(in input: [String: JSONValue]) -> [String: Int] {
        let candidates = [input["result"]?["tokenUsed"], input["tokenUsed"], input["usage"]]
        guard let object = candidates.compactMap({ $0?.objectValue }).first else { return [:] }
        let aliases = [
            "total_tokens": ["total_tokens", "totalTokens"], "prompt_tokens": ["prompt_tokens", "promptTokens"],
            "completion_tokens": ["completion_tokens", "completionTokens"],
        ]
        var usage: [String: Int] = [:]
        for (key, names) in aliases {
            if let value = names.compactMap({ SystemInput.int(object[$0]) }).first { usage[key] = value }
        }
        return usage
    }
}
