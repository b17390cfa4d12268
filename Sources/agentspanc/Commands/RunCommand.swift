import AgentRuntime
import ArgumentParser
import Foundation
import SpecTesting
import Synchronization
import Workflow

/// `agentspanc run SPEC|NAME "prompt"`: deploy if needed, start, and stream every step.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an agent and stream its steps: [thinking], [tool_call], [tool_result] … [done].",
        discussion: """
            SPEC is a spec file (compiled and deployed by the server); NAME is an agent already deployed on the \
            server. Without --server, when nothing answers on this machine's default address, a server is \
            started in the background first (AGENTSPAN_AUTO_START_SERVER=false turns that off). With a SPEC, this \
            process also serves the spec's tools bound with run: and the system workers its strategy needs while \
            the run lasts (as the Agentspan SDK does); --no-worker leaves them to an `agentspanc worker` elsewhere. The exit status is 0 when the execution completes, 1 otherwise. When the \
            agent waits for a human and the terminal is interactive, you are asked to approve or reject inline.
            """)

    @Argument(help: "A spec file (.yaml/.json) or the name of a deployed agent.")
    var agent: String

    @Argument(help: "The prompt.")
    var prompt: String

    @Flag(name: .long, help: "Print only the final answer.")
    var noStream = false

    @Flag(name: .long, help: "Print one JSON event per line.")
    var json = false

    @Option(name: .long, help: "Session id passed to the agent.")
    var sessionId: String?

    @Option(name: .long, help: "Returns the running or completed execution started with the same key.")
    var idempotencyKey: String?

    @Flag(name: .customLong("no-worker"), help: "Do not serve the spec's tools from this process.")
    var noWorker = false

    @Option(name: .long, help: ArgumentHelp(
        "Stop waiting after this many seconds (exit 124); the execution goes on.", valueName: "seconds"))
    var timeout: Double?

    @Option(name: .customLong("record-test"), help: ArgumentHelp(
        "Run on an embedded engine with the real model and tools, and write the run as a test case to this *.test.yaml "
            + "(its model turns in NAME.recorded.cassette.yaml beside it, the tools' outputs as fixtures).", valueName: "file"))
    var recordTest: String?

    @Option(name: .customLong("test-name"), help: "The recorded case's name (default: the prompt's first line).")
    var testName: String?

    @OptionGroup var client: ClientOptions
    @OptionGroup var refs: RefOptions

    func validate() throws {
        if let recordTest, !recordTest.hasSuffix(".test.yaml") {
            throw ValidationError("--record-test \(recordTest): a test file's name ends in .test.yaml")
        }
        if testName != nil && recordTest == nil { throw ValidationError("--test-name needs --record-test FILE") }
        if noStream && json { throw ValidationError("--no-stream and --json cannot be combined") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        if let recordTest { return try await record(into: recordTest) }
        let runtime = client.runtime
        let resolved = try await AgentSource.resolve(agent, runtime: runtime, client: client, refs: refs)
        let served = noWorker ? nil : try await InProcessWorker.start(for: resolved, runtime: runtime)
        let started = Mutex<String?>(nil)
        let limit = timeout.map { Duration.milliseconds(Int64($0 * 1000)) }
        let succeeded = try await InProcessWorker.serving(served, executionID: { started.withLock { $0 } }) { [self] in
            try await Self.waiting(at: limit, for: { started.withLock { $0 } }) {
                try await startAndFollow(resolved, runtime: runtime) { id in started.withLock { $0 = id } }
            }
        }
        if !succeeded { throw ExitCode.failure }
    }

    /// `--record-test FILE`: the run on an embedded engine (real model, real tools), written as a test case.
    private func record(into testFile: String) async throws {
        guard FileManager.default.fileExists(atPath: agent) else {
            throw ValidationError("--record-test needs a spec file; \(agent) is not one")
        }
        let outcome: SpecTestRecorder.Outcome
        do {
            outcome = try await SpecTestRecorder().record(specPath: agent, prompt: prompt, testFile: testFile, name: testName)
        } catch let problem as SpecTestRecorder.Problem {
            FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
            throw ExitCode.failure
        }
        print(outcome.output)
        let verb = outcome.replaced ? "replaced" : "recorded"
        FileHandle.standardError.write(Data((
            "\(verb) case '\(outcome.name)' in \(testFile): \(outcome.status), \(outcome.toolCalls) tool call(s), "
                + "\(outcome.turns) model turn(s); model turns in \(outcome.cassette ?? "-")\n"
                + "replay it offline with `agentspanc test \(testFile)`\n").utf8))
        if outcome.status != "COMPLETED" { throw ExitCode.failure }
    }

    /// Runs `body`, or gives up after `limit`: the execution (`executionID`) keeps running on the server; the note
    /// says how to attach to it, and the command exits with 124 (as timeout(1) does).
    private static func waiting(
        at limit: Duration?, for executionID: @escaping @Sendable () -> String?,
        _ body: @escaping @Sendable () async throws -> Bool
    ) async throws -> Bool {
        guard let limit else { return try await body() }
        let outcome = try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let outcome else {
            let attach = executionID().map { "agentspanc stream \($0)" } ?? "agentspanc stream ID"
            FileHandle.standardError.write(Data(
                "still running after \(limit); the execution goes on (attach with `\(attach)`)\n".utf8))
            throw ExitCode(124)
        }
        return outcome
    }

    /// Starts the execution and prints its events (or only its answer); true when it completed.
    private func startAndFollow(
        _ resolved: Agent, runtime: AgentRuntime, started: @Sendable (String) -> Void
    ) async throws -> Bool {
        let options = AgentRuntime.StartOptions(sessionID: sessionId, idempotencyKey: idempotencyKey)
        let handle = try await runtime.start(resolved, prompt, options: options)
        started(handle.executionID)
        if noStream {
            let result = try await handle.result()
            FileHandle.standardOutput.write(Data((result.text + "\n").utf8))
            if !result.isSuccess {
                let located = ((try? await handle.status().errors) ?? []).compactMap(StatusCommand.diagnostic)
                let lines = located.isEmpty ? ["error: \(result.reason ?? result.status.rawValue)"] : located
                FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
            }
            return result.isSuccess
        }
        let hint: String
        if let spec = resolved.specPath {
            hint = noWorker
                ? "Serve the spec's tools with `agentspanc worker \(spec)`, or run without --no-worker."
                : "It has no run: binding in \(spec); serve it from your own worker."
        } else {
            hint = "Is a worker serving this agent's tools running (`agentspanc worker SPEC`)?"
        }
        let printer = EventPrinter(json: json, stalledTaskHint: hint)
        let status = try await printer.follow(handle, interactive: !json && isatty(0) == 1)
        return status == .completed
    }
}

/// Prints an execution's events and, in a terminal, answers waiting steps inline.
struct EventPrinter {
    let json: Bool
    /// What to suggest when a worker task waits with nobody polling for it.
    var stalledTaskHint = "Is a worker serving this agent's tools running (`agentspanc worker SPEC`)?"
    let renderer = EventRenderer()

    /// Follows the stream to its end and returns the final status. Meanwhile it says on stderr when a worker
    /// task has waited long with nobody polling for it (no `agentspanc worker` running for the spec).
    func follow(_ handle: AgentHandle, after: Int = 0, interactive: Bool = false) async throws -> WorkflowStatus {
        let patience = Duration.seconds(10)
        let hint = stalledTaskHint
        return try await handle.follow(
            after: after, stallPatience: patience, onEvent: emit,
            onWaiting: interactive ? { event, waiting in
                if event.pendingTool?["waitingFor"].stringValue == "message" {
                    try await askForMessage(waiting)
                } else {
                    try await ask(handle)
                }
            } : nil,
            onStalledTask: { name in
                let note = "note: no worker has taken '\(name)' for \(patience.components.seconds) s. \(hint)\n"
                FileHandle.standardError.write(Data(note.utf8))
            })
    }

    func emit(_ event: AgentEvent) {
        if json {
            var shown = event
            shown.location = event.location?.shownFromHere
            if let value = try? JSONValue.from(shown) { write(value.jsonText()) }
        } else if let text = renderer.render(event) {
            write(text)
        }
    }

    /// Unbuffered, so each event shows the moment it arrives (also through a pipe).
    private func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Sends the line typed as the message the agent waits for (as `agentspanc send` sends it) to the execution
    /// that waits (a sub-agent's own).
    private func askForMessage(_ handle: AgentHandle) async throws {
        FileHandle.standardError.write(Data("    message: ".utf8))
        guard let line = readLine(strippingNewline: true) else { return }
        try await handle.send(try SendCommand.messageValue(line))
    }

    private func ask(_ handle: AgentHandle) async throws {
        FileHandle.standardError.write(Data("    approve? [y]es / [n]o (then a reason) / or type a response: ".utf8))
        guard let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) else { return }
        switch line.lowercased() {
        case "y", "yes", "approve", "": try await handle.approve()
        case "n", "no", "reject":
            FileHandle.standardError.write(Data("    reason: ".utf8))
            try await handle.reject(reason: readLine() ?? "rejected")
        default:
            try await handle.respond(["response": .string(line), "message": .string(line)])
        }
    }
}
