import AgentRuntime
import ArgumentParser
import Foundation
import Workflow

/// `agentspanc start SPEC|NAME "prompt"`: starts an execution and prints its id.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start an agent and print the execution id (stream it later with `stream ID`).")

    @Argument(help: "A spec file or the name of a deployed agent.") var agent: String
    @Argument(help: "The prompt.") var prompt: String
    @Option(name: .long, help: "Session id passed to the agent.") var sessionId: String?
    @Option(name: .long, help: "Returns the running or completed execution started with the same key.")
    var idempotencyKey: String?
    @OptionGroup var client: ClientOptions
    @OptionGroup var refs: RefOptions

    func run() async throws {
        let runtime = client.runtime
        let resolved = try await AgentSource.resolve(agent, runtime: runtime, client: client, refs: refs)
        let handle = try await runtime.start(
            resolved, prompt, options: .init(sessionID: sessionId, idempotencyKey: idempotencyKey))
        print(handle.executionID)
    }
}

/// `agentspanc stream ID`: attaches to an execution and prints its events to the end.
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Print an execution's events: everything so far, then live ones until it ends.")

    @Argument(help: "Execution id.") var executionID: String
    @Option(name: .long, help: "Skip events up to this id (resume).") var after = 0
    @Flag(name: .long, help: "Print one JSON event per line.") var json = false
    @Option(name: .long, help: ArgumentHelp(
        "Also serve this spec's tools from this process while attached (as `run` does).", valueName: "spec"))
    var serve: String?
    @OptionGroup var client: ClientOptions
    @OptionGroup var refs: RefOptions

    func run() async throws {
        let runtime = client.runtime
        var served: ServedWorker?
        var hint = "Is a worker serving this agent's tools running (`agentspanc worker SPEC`, or `stream ID --serve SPEC`)?"
        if let serve {
            let agent = try await AgentSource.resolve(serve, runtime: runtime, refs: refs)
            served = try await InProcessWorker.start(for: agent, runtime: runtime)
            hint = "It has no run: binding in \(serve); serve it from your own worker."
        }
        let handle = AgentHandle(executionID: executionID, runtime: runtime)
        let printer = EventPrinter(json: json, stalledTaskHint: hint)
        let (after, json) = (after, json)
        let id = executionID
        let status = try await InProcessWorker.serving(served, executionID: { id }) {
            try await printer.follow(handle, after: after, interactive: !json && isatty(0) == 1)
        }
        if status != .completed { throw ExitCode.failure }
    }
}

/// `agentspanc status ID`: prints the status JSON.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Print an execution's status as JSON.")

    @Argument(help: "Execution id.") var executionID: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        var status = try await AgentHandle(executionID: executionID, runtime: client.runtime).status()
        status.errors = status.errors?.map { failure in
            var shown = failure
            shown.location = failure.location?.shownFromHere
            return shown
        }
        var json = try JSONValue.from(status)
        if case .object(var top) = json, case .array(let errors)? = top["errors"], let failures = status.errors {
            // Each located failure also as the compiler-style line an editor jumps to.
            top["errors"] = .array(zip(errors, failures).map { value, failure in
                guard case .object(var object) = value, let line = Self.diagnostic(failure) else { return value }
                object["diagnostic"] = .string(line)
                return .object(object)
            })
            json = .object(top)
        }
        print(json.jsonText(pretty: true))
        for line in (status.errors ?? []).compactMap(Self.diagnostic) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// `specs/ops_agent.yaml:14:7: error: tool 'x' failed: …` for a located failure.
    static func diagnostic(_ failure: ExecutionFailure) -> String? {
        guard let location = failure.location else { return nil }
        let name = location.kind == .tool ? failure.toolName : nil
        return location.diagnostic(AgentEvent.failureMessage(kind: location.kind, name: name, failure.message))
    }
}

/// `agentspanc respond ID --approve | --reject REASON | --json '{…}'`.
struct RespondCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "respond", abstract: "Answer an execution that waits for a human.")

    @Argument(help: "Execution id.") var executionID: String
    @Flag(name: .long, help: "Approve the waiting step.") var approve = false
    @Option(name: .long, help: "Reject the waiting step with this reason.") var reject: String?
    @Option(name: .long, help: "Respond with this JSON object.") var json: String?
    @OptionGroup var client: ClientOptions

    func validate() throws {
        let chosen = [approve, reject != nil, json != nil].filter { $0 }.count
        if chosen != 1 { throw ValidationError("give exactly one of --approve, --reject REASON, --json '{…}'") }
        if let json {
            guard case .object = try? JSONValue.parse(json) else {
                throw ValidationError("--json must be a JSON object, e.g. '{\"approved\": true}'")
            }
        }
    }

    func run() async throws {
        let handle = AgentHandle(executionID: executionID, runtime: client.runtime)
        if approve {
            try await handle.approve()
        } else if let reject {
            try await handle.reject(reason: reject)
        } else if let json, case .object(let body) = try JSONValue.parse(json) {
            try await handle.respond(body)
        }
    }
}

/// `agentspanc stop ID`: the agent finishes after its current iteration.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Let an agent finish after its current iteration.")
    @Argument(help: "Execution id.") var executionID: String
    @OptionGroup var client: ClientOptions

    func run() async throws { try await AgentHandle(executionID: executionID, runtime: client.runtime).stop() }
}

/// `agentspanc signal ID MESSAGE`.
struct SignalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal", abstract: "Inject a message the agent sees on every following iteration.")
    @Argument(help: "Execution id.") var executionID: String
    @Argument(help: "The message (empty clears it).") var message: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await AgentHandle(executionID: executionID, runtime: client.runtime).signal(message)
    }
}

/// `agentspanc cancel ID`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Terminate an execution.")
    @Argument(help: "Execution id.") var executionID: String
    @Option(name: .long, help: "Reason recorded on the execution.") var reason: String?
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await AgentHandle(executionID: executionID, runtime: client.runtime).cancel(reason: reason)
    }
}
