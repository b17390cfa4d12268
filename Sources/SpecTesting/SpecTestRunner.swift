import AgentRuntime
import AgentSpec
import ConductorClient
import Engine
import Foundation
import Logging
import Server
import Synchronization
import Worker
import Workflow

/// Runs spec test cases offline: each case on its own embedded server (in this process, in memory, on a free
/// loopback port) with the case's scripted model, its tools served by an in-process worker (real `run:` bindings
/// or fixtures), and its scripted human answers; then checks the expectations against what the run did.
public struct SpecTestRunner: Sendable {
    /// How many cases run at once.
    public var parallelism: Int
    public var logger: Logger

    public init(parallelism: Int = max(ProcessInfo.processInfo.activeProcessorCount, 1) * 2, logger: Logger? = nil) {
        self.parallelism = max(parallelism, 1)
        self.logger = logger ?? {
            var quiet = Logger(label: "agentspanc.test")
            quiet.logLevel = .critical
            return quiet
        }()
    }

    /// Runs `cases` (at most ``parallelism`` at once); results come back in the order of `cases`.
    public func run(_ cases: [SpecTestCase]) async -> [SpecTestResult] {
        await withTaskGroup(of: (Int, SpecTestResult).self) { group in
            var results = [SpecTestResult?](repeating: nil, count: cases.count)
            var next = 0
            func add() {
                guard next < cases.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await self.run(cases[index])) }
            }
            for _ in 0..<min(parallelism, cases.count) { add() }
            for await (index, result) in group {
                results[index] = result
                add()
            }
            return results.compactMap { $0 }
        }
    }

    /// Runs one case.
    public func run(_ testCase: SpecTestCase) async -> SpecTestResult {
        let started = ContinuousClock.now
        var result = SpecTestResult(name: testCase.name, location: testCase.location, failures: [], executionID: nil, duration: .zero)
        let executionID = Mutex<String?>(nil)
        do {
            let observation = try await observe(testCase, model: try model(for: testCase)) { id in executionID.withLock { $0 = id } }
            result.failures = testCase.expect.failures(observation)
        } catch let failure as SpecTestFailure {
            result.failures = [failure]
        } catch {
            result.failures = [SpecTestFailure(location: testCase.location, message: "the case could not run: \(error)")]
        }
        result.duration = ContinuousClock.now - started
        result.executionID = executionID.withLock { $0 }
        return result
    }

    func model(for testCase: SpecTestCase) throws -> any LLMProvider {
        do {
            if let path = testCase.cassettePath { return try CassetteProvider(contentsOf: URL(fileURLWithPath: path)) }
            let document = testCase.inlineTurns ?? ["conversations": []]
            return CassetteProvider(
                cassette: try Cassette.parse(yaml: document.jsonText(), file: testCase.location.file), file: testCase.location.file)
        } catch {
            throw SpecTestFailure(location: testCase.location, message: "the model's turns do not load: \(error)")
        }
    }

    /// Runs the case with `provider` answering its model calls and gathers what happened; throws a located failure
    /// when it cannot run to an end.
    func observe(_ testCase: SpecTestCase, model provider: any LLMProvider, started: @Sendable (String) -> Void) async throws -> Observation {
        let agent: Agent
        do {
            agent = try Agent.load(path: testCase.specPath)
        } catch {
            throw SpecTestFailure(location: testCase.location, message: "the spec does not load:\n\(error)")
        }
        let server = try await EmbeddedServer.start(llm: provider, logger: logger)
        defer { server.stop() }
        let worker = try makeWorker(testCase, agent: agent, serverURL: server.url)
        try await worker.registerTaskDefinitions()
        let serving = Task { try await worker.run() }
        defer {
            worker.shutdown()
            serving.cancel()
        }

        let runtime = AgentRuntime(serverURL: server.url)
        let handle = try await runtime.start(agent, testCase.prompt, options: .init(context: testCase.context))
        started(handle.executionID)
        let observation = Observation(
            status: "RUNNING", output: [:], calls: [], handoffs: [], waits: 0, guardrails: [:], turns: 0, tokens: 0)
        let answers = testCase.answers[...]
        let timeout = Duration.milliseconds(Int64(testCase.timeoutSeconds * 1000))
        let finished = try await withThrowingTaskGroup(of: Observation?.self) { group in
            group.addTask { [observation] in
                var seen = observation
                var remaining = answers
                for try await event in handle.stream() {
                    switch event.type {
                    case .toolCall:
                        if let name = event.toolName { seen.calls.append(.init(name: name, args: event.args ?? .object([:]))) }
                    case .toolResult, .error:
                        // A call's outcome follows it; the latest call of that tool without one is the call it ends.
                        if let name = event.toolName,
                            let i = seen.calls.lastIndex(where: { $0.name == name && $0.result == nil && $0.error == nil })
                        {
                            if event.type == .toolResult { seen.calls[i].result = event.result ?? .null } else { seen.calls[i].error = event.content ?? "failed" }
                        }
                    case .handoff:
                        if let target = event.target { seen.handoffs.append(target) }
                    case .guardrailPass, .guardrailFail:
                        if let name = event.guardrailName { seen.guardrails[name] = event.type == .guardrailPass ? "pass" : "fail" }
                    case .waiting:
                        seen.waits += 1
                        guard let answer = remaining.popFirst() else {
                            let tool = event.pendingTool?["tool_name"].stringValue ?? "a human"
                            try? await handle.cancel(reason: "the test case has no answer left")
                            throw SpecTestFailure(
                                location: testCase.location,
                                message: "the run waited for \(tool) (wait \(seen.waits)) but the case has no answer left; add one under answers:")
                        }
                        try await Self.give(answer, to: handle, at: testCase.location)
                    default:
                        break
                    }
                }
                return seen
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard var observation = finished else {
            try? await handle.cancel(reason: "the test case timed out")
            throw SpecTestFailure(
                location: testCase.location,
                message: "the run did not end within \(Self.format(testCase.timeoutSeconds)) s (timeoutSeconds); a tool or wait may never be answered")
        }
        let execution = try await ConductorClient(baseURL: server.url).workflow(id: handle.executionID, includeTasks: true)
        observation.status = execution.status.rawValue
        observation.reason = execution.reasonForIncompletion
        observation.output = try await handle.status().output ?? execution.output
        let use = try await Self.modelUse(of: execution, client: ConductorClient(baseURL: server.url))
        observation.turns = use.turns
        observation.tokens = use.tokens
        observation.calls = Self.inRequestOrder(observation.calls, requested: use.requested)
        return observation
    }

    private static func give(_ answer: SpecTestCase.Answer, to handle: AgentHandle, at location: SourceLocation) async throws {
        switch answer {
        case .approve: try await handle.approve()
        case .reject(let reason): try await handle.reject(reason: reason)
        case .respond(let body): try await handle.respond(body)
        }
    }

    /// What the model did in an execution and its sub-agent executions: turns, tokens, and the tool calls it asked
    /// for, in its order (turn by turn, each turn's calls as it listed them).
    struct ModelUse {
        var turns = 0
        var tokens = 0
        var requested: [Observation.Call] = []
    }

    private static func modelUse(of execution: WorkflowExecution, client: ConductorClient, depth: Int = 0) async throws -> ModelUse {
        var use = ModelUse()
        for task in execution.tasks.sorted(by: { ($0.seq ?? 0) < ($1.seq ?? 0) }) where task.retried != true {
            if task.taskType == "LLM_CHAT_COMPLETE", task.status == .completed {
                use.turns += 1
                let out = task.outputData
                use.tokens += out["tokenUsed"]?.intValue
                    ?? ((out["promptTokens"]?.intValue ?? 0) + (out["completionTokens"]?.intValue ?? 0))
                for call in out["toolCalls"]?.arrayValue ?? [] {
                    guard let name = call["name"].stringValue else { continue }
                    // The engine adds `method` (the tool name) to the arguments it hands the enrich script.
                    var args = call["inputParameters"].objectValue ?? call["arguments"].objectValue ?? [:]
                    args["method"] = nil
                    use.requested.append(.init(name: name, args: .object(args)))
                }
            }
            if let child = task.subWorkflowId, depth < 16 {
                let inner = try await modelUse(of: try await client.workflow(id: child, includeTasks: true), client: client, depth: depth + 1)
                use.turns += inner.turns
                use.tokens += inner.tokens
                use.requested += inner.requested
            }
        }
        return use
    }

    /// The calls that ran, in the order the model asked for them: calls of one turn run in parallel, so the order
    /// their events arrive in depends on which finishes first. Calls the model did not list keep their event order,
    /// after the others.
    static func inRequestOrder(_ ran: [Observation.Call], requested: [Observation.Call]) -> [Observation.Call] {
        var pool = ran
        var ordered: [Observation.Call] = []
        for want in requested {
            guard let i = pool.firstIndex(where: {
                $0.name == want.name && ArgumentMatcher.matches($0.args, want.args.objectValue ?? [:], exact: false)
            }) else { continue }
            ordered.append(pool.remove(at: i))
        }
        return ordered + pool
    }

    /// The worker for a case: the spec's system workers, its real `run:` tools unless the case gives fixtures,
    /// and a fixture executor per tool with fixtures.
    private func makeWorker(_ testCase: SpecTestCase, agent: Agent, serverURL: String) throws -> ToolWorker {
        let specTools = try AgentRuntime.workerTasks(of: [agent])
        var fixtures: [any ToolExecutor] = []
        for (name, mode) in testCase.tools.sorted(by: { $0.key < $1.key }) {
            if case .fixtures(let answers) = mode { fixtures.append(FixtureTool(name: name, fixtures: answers)) }
        }
        let faked = Set(fixtures.map(\.name))
        let missing = specTools.unbound.filter { !faked.contains(String($0.split(separator: "/").last ?? "")) }
        if !missing.isEmpty {
            throw SpecTestFailure(
                location: testCase.location,
                message: "no way to run \(missing.joined(separator: ", ")): the spec gives no run: binding and the case no fixtures")
        }
        let configuration = ToolWorker.Configuration(
            workerID: "agentspanc-test", concurrency: 4, pollTimeoutMilliseconds: 200, shutdownGracePeriod: .seconds(1))
        return try ToolWorker(
            client: ConductorClient(baseURL: serverURL), commandTools: specTools.bound.filter { !faked.contains($0.name) },
            executors: try specTools.executors() + fixtures, configuration: configuration, logger: logger)
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

extension SpecTestFailure: Error {}
