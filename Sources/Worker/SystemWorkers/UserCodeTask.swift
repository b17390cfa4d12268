import AgentCompiler
import AgentSpec
import Foundation
import Workflow

/// A worker task only user code can serve — stop_when, a callable gate, a function router, a custom or external
/// guardrail, a callback, dynamic instructions, an on_condition handoff — and, when the spec binds it with
/// `run:`, how `agentspanc worker` runs it:
///
/// ```yaml
/// stopWhen: {taskName: review_stop_when, run: {command: [./stop_when.py, "{result}"]}}
/// gate: {taskName: triage_gate, run: {command: [./gate.sh], stdin: json}}
/// router: {taskName: pick_specialist, run: {command: [./route.py, "{prompt}"]}}
/// guardrails: [{name: pii, guardrailType: custom, taskName: pii_check, run: {command: [./pii.py], stdin: json}}]
/// callbacks: [{position: after_model, taskName: audit_after_model, run: {command: [./audit.sh]}}]
/// ```
///
/// The command gets the task input like a command tool (`{param}` placeholders, `stdin: json`) and its output is
/// shaped into what the compiled workflow reads:
/// - stop_when: `{should_continue}` as printed, else printing `true`/`stop`/`yes` stops the loop;
/// - gate: `{decision}` as printed, else the printed word; `stop`/`false`/`no` stop the pipeline, anything else
///   continues; the answer is `{decision, result: {decision}}` (the reference reads either place);
/// - router: the printed agent name or `DONE` becomes `result` (trimmed; `selected_agent` is accepted too);
/// - guardrails and callbacks: the output as printed (custom guardrail output is normalised by the workflow).
/// Dynamic instructions and on_condition handoffs cannot be bound; the worker warns about them at start.
public struct UserCodeTask: Sendable, Hashable {
    /// What the task is for; decides how its output is shaped.
    public typealias Kind = WorkerTask.UserCodeKind

    /// The task name.
    public var name: String
    /// What the task is for.
    public var kind: Kind
    /// Says what the task is, for the start-up listing: `stop_when of review`.
    public var label: String
    /// The `run:` binding, if the spec gives one.
    public var binding: ToolBinding?
    /// Directory relative paths of the binding resolve against.
    public var baseDirectory: String

    /// Creates a task.
    public init(name: String, kind: Kind, label: String, binding: ToolBinding?, baseDirectory: String) {
        self.name = name
        self.kind = kind
        self.label = label
        self.binding = binding
        self.baseDirectory = baseDirectory
    }

    /// The executor running the bound command.
    /// - Throws: ``WorkerConfigurationError`` without a `run: {command: …}` binding, or for a broken one.
    public func executor() throws(WorkerConfigurationError) -> UserCodeWorker {
        guard let binding, binding.command != nil, binding.plugin == nil else {
            throw WorkerConfigurationError(tool: name, message: "the \(label) needs run: {command: [...]} to be served")
        }
        let definition = WorkerToolDefinition(name: name, description: label, binding: binding, baseDirectory: baseDirectory)
        return UserCodeWorker(command: try CommandTool(definition), kind: kind)
    }
}

/// Runs a ``UserCodeTask``'s command and shapes its output into what the compiled workflow reads.
public struct UserCodeWorker: ToolExecutor {
    let command: CommandTool
    /// Decides how the output is shaped.
    public let kind: UserCodeTask.Kind

    /// The task name to poll.
    public var name: String { command.name }
    /// Says what the task is (`stop_when of review`).
    public var description: String { command.description }
    /// False when the binding says `idempotent: false`.
    public var isIdempotent: Bool { command.isIdempotent }

    /// Runs the command; a completed run's output is shaped for the workflow, failures stay failures.
    public func execute(_ invocation: ToolInvocation) async -> ToolOutcome {
        var outcome = await command.execute(invocation)
        if outcome.status == .completed { outcome.output = Self.shape(outcome.output, for: kind) }
        return outcome
    }

    /// The output the workflow reads for a task of `kind`, from the command's output.
    static func shape(_ output: [String: JSONValue], for kind: UserCodeTask.Kind) -> [String: JSONValue] {
        let printed = SystemInput.text(output["result"]).trimmingCharacters(in: .whitespacesAndNewlines)
        switch kind {
        case .stopWhen:
            if let flag = output["should_continue"] { return ["should_continue": .bool(SystemInput.bool(flag))] }
            let stop = ["true", "stop", "yes"].contains(printed.lowercased())
            return ["should_continue": .bool(!stop)]
        case .gate:
            let answer = output["decision"].map(SystemInput.text) ?? printed
            let decision = ["stop", "false", "no"].contains(answer.lowercased()) ? "stop" : "continue"
            return ["decision": .string(decision), "result": ["decision": .string(decision)]]
        case .router:
            var shaped = output
            let choice = output["result"] == nil ? SystemInput.text(output["selected_agent"]) : printed
            shaped["result"] = .string(choice.trimmingCharacters(in: .whitespacesAndNewlines))
            return shaped
        case .guardrail, .callback, .instructions, .handoffCondition:
            return output
        }
    }
}
