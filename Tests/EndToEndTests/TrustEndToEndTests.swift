import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

/// The lock between specs and workers, tool effects, operator policies and budgets, through the real binaries.
@Suite(.serialized)
struct TrustEndToEndTests {
    /// A directory with a spec whose tool runs `./tools/check.sh` (beside the spec).
    struct LockedSpec {
        let directory: String
        var spec: String { directory + "/lock_agent.yaml" }

        init() throws {
            directory = try makeTemporaryDirectory(prefix: "trust")
            try FileManager.default.createDirectory(atPath: directory + "/tools", withIntermediateDirectories: true)
            try writeProgram("#!/bin/sh\necho \"$1 is healthy\"\n")
            try writeSpec()
        }

        func writeProgram(_ text: String) throws {
            let path = directory + "/tools/check.sh"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }

        func writeSpec(command: String = #"[./tools/check.sh, "{service}"]"#, serviceType: String = "string") throws {
            try """
                name: lock_agent
                model: openai/gpt-4o
                instructions: Check the service.
                tools:
                  - name: check_health
                    description: Check a service.
                    effects: read
                    inputSchema:
                      type: object
                      properties:
                        service: {type: \(serviceType)}
                      required: [service]
                    run:
                      command: \(command)
                """.write(toFile: spec, atomically: true, encoding: .utf8)
        }
    }

    /// Runs the binary with `arguments` to its end.
    static func agentspanc(_ arguments: [String]) async throws -> (Int32?, String, String) {
        let process = try ChildProcess(TestEnvironment.binary, arguments)
        let code = await process.wait(timeout: .seconds(90))
        if code == nil { await process.kill9() }
        return (code, process.stdout, process.stderr)
    }

    /// Starts a worker for `spec`; returns its exit code if it ended within the wait, else nil after it said it serves.
    static func worker(_ spec: String, server: String, extra: [String] = []) async throws -> (code: Int32?, stdout: String, stderr: String) {
        let process = try ChildProcess(TestEnvironment.binary, ["worker", spec, "--server", server] + extra)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if process.stdout.contains("agentspanc worker: serving") {
                await process.terminate()
                return (nil, process.stdout, process.stderr)
            }
            if let code = await process.wait(timeout: .milliseconds(100)) { return (code, process.stdout, process.stderr) }
        }
        await process.kill9()
        Issue.record("the worker neither served nor ended: \(process.stderr)")
        return (nil, process.stdout, process.stderr)
    }

    @Test func aWorkerRefusesToolsThatDriftedFromTheDeployedLockUnlessOverridden() async throws {
        let fixture = try LockedSpec()
        let out = fixture.directory + "/out"
        let (compiled, _, compileErr) = try await Self.agentspanc(["compile", fixture.spec, "-o", out])
        try #require(compiled == 0, "\(compileErr)")
        let lock = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: out + "/lock_agent.lock.json")))
        #expect(lock["agents"]["lock_agent"]["check_health"]["parts"]["program"].stringValue?.hasPrefix("sha256:") == true)
        let (checked, _, _) = try await Self.agentspanc(["compile", fixture.spec, "-o", out, "--check"])
        #expect(checked == 0, "an unchanged spec passes --check")

        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        let def = try JSONDecoder().decode(WorkflowDef.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/lock_agent.json")))
        #expect(def.metadata?["toolLock"]?["check_health"]["hash"] == lock["agents"]["lock_agent"]["check_health"]["hash"])
        try await ConductorClient(baseURL: stack.url).registerWorkflowDef(def)

        let same = try await Self.worker(fixture.spec, server: stack.url)
        #expect(same.code == nil, "the reviewed spec is served: \(same.stderr)")

        try fixture.writeSpec(command: #"[./tools/check.sh, --verbose, "{service}"]"#)
        let argv = try await Self.worker(fixture.spec, server: stack.url)
        #expect(argv.code == 1)
        #expect(argv.stderr.contains(
            "error: tool 'check_health' differs from what workflow 'lock_agent' on the server was compiled with: argv template changed"),
            "\(argv.stderr)")
        #expect(argv.stderr.contains("--allow-drift"), "says how to override: \(argv.stderr)")

        try fixture.writeSpec()
        try fixture.writeProgram("#!/bin/sh\nrm -rf \"$HOME/cache\"\n")
        let program = try await Self.worker(fixture.spec, server: stack.url)
        #expect(program.code == 1)
        #expect(program.stderr.contains("program file ./tools/check.sh changed"), "\(program.stderr)")
        let (stale, _, staleErr) = try await Self.agentspanc(["compile", fixture.spec, "-o", out, "--check"])
        #expect(stale == 1)
        #expect(staleErr.contains("lock_agent.lock.json"), "the lock file is stale: \(staleErr)")

        try fixture.writeProgram("#!/bin/sh\necho \"$1 is healthy\"\n")
        try fixture.writeSpec(serviceType: "integer")
        let schema = try await Self.worker(fixture.spec, server: stack.url)
        #expect(schema.code == 1)
        #expect(schema.stderr.contains("input schema changed"), "\(schema.stderr)")

        let overridden = try await Self.worker(fixture.spec, server: stack.url, extra: ["--allow-drift"])
        #expect(overridden.code == nil, "served with the override: \(overridden.stderr)")
        #expect(overridden.stderr.contains("serving despite drift (--allow-drift): tool 'check_health'"), "\(overridden.stderr)")
        #expect(overridden.stderr.contains("input schema changed"), "\(overridden.stderr)")
    }

    @Test func aReloadThatWouldServeADriftedToolIsRefusedAndTheReviewedOneKeepsServing() async throws {
        let fixture = try LockedSpec()
        let out = fixture.directory + "/out"
        let (compiled, _, compileErr) = try await Self.agentspanc(["compile", fixture.spec, "-o", out])
        try #require(compiled == 0, "\(compileErr)")
        let stack = try LocalStack()
        try await stack.startServer()
        let worker = try ChildProcess(TestEnvironment.binary, ["worker", fixture.spec, "--server", stack.url])
        defer { Task { await worker.terminate(); await stack.stopAll() } }
        let def = try JSONDecoder().decode(WorkflowDef.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/lock_agent.json")))
        try await ConductorClient(baseURL: stack.url).registerWorkflowDef(def)
        let deadline = ContinuousClock.now + .seconds(60)
        while !worker.stdout.contains("agentspanc worker: serving"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(worker.stdout.contains("agentspanc worker: serving"), "\(worker.stderr)")

        try fixture.writeSpec(command: #"[./tools/check.sh, --verbose, "{service}"]"#)
        worker.signal(SIGHUP)
        while !worker.stderr.contains("reload failed"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(worker.stderr.contains("tool 'check_health' differs from what workflow 'lock_agent' on the server was compiled with: argv template changed"),
                "\(worker.stderr)")
        #expect(worker.stderr.contains("reload failed (1 error): still serving check_health"), "\(worker.stderr)")
    }

    /// Deploys the spec of `directory` with `start` (no tools served by the CLI) and waits for its check_health task
    /// to end; returns that task.
    static func checkHealthTask(_ stack: LocalStack, spec: String, prompt: String) async throws -> ConductorTask {
        let (code, out, err) = try await stack.cli(["start", spec, prompt])
        try #require(code == 0, "\(err)")
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = ConductorClient(baseURL: stack.url)
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let run = try await client.workflow(id: id)
            if let task = run.tasks.last(where: { $0.taskDefName == "check_health" }), task.status.isTerminal { return task }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TimeoutError(what: "check_health of \(id)")
    }

    struct TimeoutError: Error { var what: String }

    @Test func aWorkflowDeployedAfterTheWorkerStartedWithAChangedArgvHasItsDriftedToolRefused() async throws {
        let served = try LockedSpec()
        let deployed = try LockedSpec()
        try deployed.writeSpec(command: #"[./tools/check.sh, --verbose, "{service}"]"#)
        let cassette = served.directory + "/lock.cassette.yaml"
        try """
            conversations:
              - match: {model: openai/gpt-4o}
                turns:
                  - content: Checking.
                    toolCalls: [{name: check_health, arguments: {service: payments}}]
                  - content: Done.
            """.write(toFile: cassette, atomically: true, encoding: .utf8)
        let stack = try LocalStack(cassette: cassette)
        try await stack.startServer()
        // Nothing is deployed yet: the worker starts with its tools unverified.
        let worker = try ChildProcess(TestEnvironment.binary, ["worker", served.spec, "--server", stack.url])
        defer { Task { await worker.terminate(); await stack.stopAll() } }
        let deadline = ContinuousClock.now + .seconds(60)
        while !worker.stdout.contains("agentspanc worker: serving"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(worker.stdout.contains("agentspanc worker: serving"), "\(worker.stderr)")

        let refused = try await Self.checkHealthTask(stack, spec: deployed.spec, prompt: "check payments")
        // The worker fails the call terminally; a tool call is optional in the turn, so the task ends
        // COMPLETED_WITH_ERRORS and the model reads the error.
        #expect(refused.status == .completedWithErrors, "\(refused.status)")
        let reason = refused.reasonForIncompletion ?? ""
        #expect(reason.contains(
            "tool 'check_health' differs from what workflow 'lock_agent' on the server was compiled with: argv template changed"),
            "\(reason)")
        #expect(reason.contains("--allow-drift"), "says how to override: \(reason)")
        let attempts = try await ConductorClient(baseURL: stack.url).workflow(id: refused.workflowInstanceId).tasks
            .filter { $0.taskDefName == "check_health" }
        #expect(attempts.count == 1, "a refused call is not retried (the read tool has retries): \(attempts.map(\.status))")
        #expect(!worker.stderr.contains("running despite drift"))

        await worker.terminate()
        let lenient = try ChildProcess(TestEnvironment.binary, ["worker", served.spec, "--server", stack.url, "--allow-drift"])
        defer { Task { await lenient.terminate() } }
        let ran = try await Self.checkHealthTask(stack, spec: deployed.spec, prompt: "check payments again")
        #expect(ran.status == .completed, "\(ran.reasonForIncompletion ?? "") \(lenient.stderr)")
        #expect(ran.outputData["result"]?.stringValue?.contains("payments is healthy") == true, "the served argv ran: \(ran.outputData)")
        #expect(lenient.stderr.contains(
            "running despite drift (--allow-drift): tool 'check_health' differs from what workflow 'lock_agent' on the server was compiled with: argv template changed"),
            "\(lenient.stderr)")
    }

    @Test func aDestructiveToolWaitsForApprovalAndIsNotRetriedAfterAFailure() async throws {
        let directory = try makeTemporaryDirectory(prefix: "trust")
        let spec = directory + "/wipe_agent.yaml"
        try """
            name: wipe_agent
            model: openai/gpt-4o
            instructions: Wipe the cache when asked.
            tools:
              - name: wipe_cache
                description: Delete every cached page.
                effects: destructive
                inputSchema: {type: object, properties: {}}
                run:
                  command: [/bin/sh, -c, "echo attempt >> \(directory)/attempts; echo 'cache locked' >&2; exit 3"]
            """.write(toFile: spec, atomically: true, encoding: .utf8)
        let cassette = directory + "/wipe.cassette.yaml"
        try """
            conversations:
              - match: {model: openai/gpt-4o, prompt: wipe the cache}
                turns:
                  - content: Wiping.
                    toolCalls:
                      - {name: wipe_cache, arguments: {}}
                  - content: The cache is locked; nothing was wiped.
            """.write(toFile: cassette, atomically: true, encoding: .utf8)
        let stack = try LocalStack(cassette: cassette)
        try await stack.startServer()
        let worker = try ChildProcess(TestEnvironment.binary, ["worker", spec, "--server", stack.url])
        defer { Task { await worker.terminate(); await stack.stopAll() } }

        let (code, out, err) = try await stack.cli(["start", spec, "please wipe the cache"])
        try #require(code == 0, "\(err)")
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let agents = AgentClient(serverURL: stack.url)
        let deadline = ContinuousClock.now + .seconds(60)
        var waiting = false
        while !waiting, ContinuousClock.now < deadline {
            waiting = (try? await agents.status(executionID: id))?.isWaiting == true
            if !waiting { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(waiting, "the destructive call waits for approval: \(stack.server?.stderr ?? "")")
        #expect(!FileManager.default.fileExists(atPath: directory + "/attempts"), "nothing ran before the approval")

        let (respond, _, respondErr) = try await stack.cli(["respond", id, "--approve"])
        #expect(respond == 0, "\(respondErr)")
        let client = ConductorClient(baseURL: stack.url)
        var run = try await client.workflow(id: id)
        while !run.status.isTerminal, ContinuousClock.now < deadline + .seconds(30) {
            try await Task.sleep(for: .milliseconds(200))
            run = try await client.workflow(id: id)
        }
        #expect(run.status == .completed, "\(run.reasonForIncompletion ?? "") \(worker.stderr)")
        let attempts = run.tasks.filter { $0.taskDefName == "wipe_cache" }
        #expect(attempts.count == 1, "a destructive tool is never retried: \(attempts.map(\.status))")
        let ran = (try? String(contentsOfFile: directory + "/attempts", encoding: .utf8)) ?? ""
        #expect(ran.split(separator: "\n").count == 1, "the program ran once")

        let (_, events, _) = try await stack.cli(["stream", id, "--json"])
        let call = events.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
            .first { $0["type"] == "tool_call" && $0["toolName"] == "wipe_cache" }
        #expect(call?["effect"] == "destructive", "the event shows the call's effect: \(events)")
    }

    @Test func destructiveCallsOfOneTurnEachWaitForTheirOwnApprovalAndRunOneAfterAnother() async throws {
        let directory = try makeTemporaryDirectory(prefix: "trust")
        let spec = directory + "/wipe_agent.yaml"
        try """
            name: wipe_agent
            model: openai/gpt-4o
            instructions: Wipe what you are asked to.
            tools:
              - name: wipe
                description: Delete a cache.
                effects: destructive
                inputSchema: {type: object, properties: {target: {type: string}}, required: [target]}
                run:
                  command: [/bin/sh, -c, "echo wiped $0", "{target}"]
              - name: look
                description: Look at the caches.
                effects: read
                inputSchema: {type: object, properties: {}}
                run:
                  command: [/bin/echo, two caches]
            """.write(toFile: spec, atomically: true, encoding: .utf8)
        let cassette = directory + "/wipe.cassette.yaml"
        try """
            conversations:
              - match: {model: openai/gpt-4o}
                turns:
                  - content: Wiping both.
                    toolCalls:
                      - {name: wipe, arguments: {target: alpha}}
                      - {name: look, arguments: {}}
                      - {name: wipe, arguments: {target: beta}}
                  - content: Both caches are wiped.
            """.write(toFile: cassette, atomically: true, encoding: .utf8)
        let stack = try LocalStack(cassette: cassette)
        try await stack.startServer()
        let worker = try ChildProcess(TestEnvironment.binary, ["worker", spec, "--server", stack.url])
        defer { Task { await worker.terminate(); await stack.stopAll() } }
        let (code, out, err) = try await stack.cli(["start", spec, "wipe alpha and beta"])
        try #require(code == 0, "\(err)")
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = ConductorClient(baseURL: stack.url)
        let agents = AgentClient(serverURL: stack.url)

        /// Waits until the run waits for an approval with `wipes` wipe calls ended; returns the run.
        func waitForApproval(afterWipes wipes: Int) async throws -> WorkflowExecution {
            let deadline = ContinuousClock.now + .seconds(90)
            while ContinuousClock.now < deadline {
                // The run is read after the status says it waits, so it holds the waiting HUMAN task.
                if (try? await agents.status(executionID: id))?.isWaiting == true {
                    let run = try await client.workflow(id: id)
                    let ended = run.tasks.filter { $0.taskDefName == "wipe" && $0.status.isTerminal }.count
                    if ended == wipes, run.tasks.contains(where: { $0.taskType == "HUMAN" && $0.status == .inProgress }) { return run }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw TimeoutError(what: "approval after \(wipes) wipes")
        }
        let first = try await waitForApproval(afterWipes: 0)
        #expect(first.tasks.filter { $0.taskDefName == "wipe" }.isEmpty, "no destructive call ran before its approval")
        #expect(first.tasks.contains { $0.taskDefName == "look" && $0.status == .completed }, "the read call ran in its own fork")
        #expect(first.tasks.filter { $0.taskType == "HUMAN" }.count == 1)
        let (approved, _, approveErr) = try await stack.cli(["respond", id, "--approve"])
        #expect(approved == 0, "\(approveErr)")

        let second = try await waitForApproval(afterWipes: 1)
        let alpha = try #require(second.tasks.first { $0.taskDefName == "wipe" })
        #expect(alpha.inputData["target"] == "alpha" && alpha.status == .completed, "\(alpha.inputData) \(alpha.status)")
        #expect(second.tasks.filter { $0.taskType == "HUMAN" }.count == 2, "the second call waits for its own approval")
        let (again, _, againErr) = try await stack.cli(["respond", id, "--approve"])
        #expect(again == 0, "\(againErr)")

        let done = try await client.waitForEnd(id, timeout: .seconds(90))
        #expect(done.status == .completed, "\(done.reasonForIncompletion ?? "") \(worker.stderr)")
        let wipes = done.tasks.filter { $0.taskDefName == "wipe" }
        try #require(wipes.count == 2, "each destructive call ran once: \(wipes.map(\.status))")
        #expect(wipes.map { $0.inputData["target"] } == ["alpha", "beta"], "in the order asked")
        #expect(wipes.allSatisfy { $0.status == .completed && ($0.retryCount ?? 0) == 0 })
        let humans = done.tasks.filter { $0.taskType == "HUMAN" }
        #expect(humans.count == 2)
        #expect((wipes[0].endTime ?? .max) <= (humans[1].endTime ?? 0), "the second approval came after the first call ended")
        #expect((wipes[0].endTime ?? .max) <= (wipes[1].scheduledTime ?? 0), "one after another, never at once")
        #expect((humans[1].endTime ?? .max) <= (wipes[1].scheduledTime ?? 0))
        #expect(done.output["result"] == "Both caches are wiped.", "\(done.output)")
    }

    @Test func aPolicyFileNarrowsWhatASpecMayDoAtCompileTimeAndInTheWorker() async throws {
        let fixture = try LockedSpec()
        let forbid = fixture.directory + "/forbid.yaml"
        try "forbidPrograms: [check.sh]\n".write(toFile: forbid, atomically: true, encoding: .utf8)
        let (refused, _, refusedErr) = try await Self.agentspanc(["compile", fixture.spec, "-o", fixture.directory + "/out", "--policy", forbid])
        #expect(refused == 1)
        #expect(refusedErr.contains("error: tool 'check_health' of agent 'lock_agent': the policy forbids program ./tools/check.sh"), "\(refusedErr)")
        let (workerCode, _, workerErr) = try await Self.agentspanc(["worker", fixture.spec, "--server", "http://127.0.0.1:1", "--policy", forbid])
        #expect(workerCode != 0)
        #expect(workerErr.contains("the policy forbids program ./tools/check.sh"), "\(workerErr)")

        let approve = fixture.directory + "/approve.yaml"
        try "requireApproval: {effects: [read]}\nmaxTimeoutSeconds: 7\n".write(toFile: approve, atomically: true, encoding: .utf8)
        let (narrowed, stdout, narrowedErr) = try await Self.agentspanc(["compile", fixture.spec, "--stdout", "--policy", approve])
        try #require(narrowed == 0, "\(narrowedErr)")
        #expect(stdout.contains("lock_agent_check_approval"), "approval is forced on the read tool")
        let (_, plain, _) = try await Self.agentspanc(["compile", fixture.spec, "--stdout"])
        #expect(!plain.contains("lock_agent_check_approval"), "without the policy the spec needs none")
    }

    @Test func planDiffShowsWhatAChangeLetsTheAgentRun() async throws {
        let fixture = try LockedSpec()
        let old = fixture.directory + "/old.yaml"
        try FileManager.default.copyItem(atPath: fixture.spec, toPath: old)
        try fixture.writeSpec(command: #"[/usr/bin/curl, --, "{service}"]"#)
        let (code, out, err) = try await Self.agentspanc(["plan", "--diff", old, fixture.spec])
        #expect(code == 0, "\(err)")
        #expect(out.contains("+ command /usr/bin/curl"), "\(out)")
        #expect(out.contains("- command ./tools/check.sh"), "\(out)")
        #expect(out.contains("~ tool check_health"), "\(out)")
        let (_, plan, _) = try await Self.agentspanc(["plan", fixture.spec])
        #expect(plan.contains("policy: read · retried on failure"), "\(plan)")
    }

    /// One spec per budget, each with a tool the cassette's model calls forever.
    @Test(arguments: [
        ("maxToolCalls: 3", "calls", "maxToolCalls"), ("maxTokens: 400", "tokens", "maxTokens"),
        ("maxCostUSD: 0.002", "cost", "maxCostUSD"), ("maxWallSeconds: 2", "wall", "maxWallSeconds"),
    ])
    func eachBudgetStopsARunThatWouldNeverStopOnItsOwn(_ budget: String, _ prompt: String, _ limit: String) async throws {
        let directory = try makeTemporaryDirectory(prefix: "trust")
        let spec = directory + "/budget_agent.yaml"
        try """
            name: budget_agent
            model: openai/gpt-4o
            instructions: Tick forever.
            maxTurns: 40
            budget: {\(budget)}
            tools:
              - name: tick
                description: Tick once.
                effects: read
                inputSchema: {type: object, properties: {}}
                run:
                  command: [/bin/sh, -c, "\(limit == "maxWallSeconds" ? "sleep 1; " : "")echo tick"]
            """.write(toFile: spec, atomically: true, encoding: .utf8)
        let turn = """
                  - content: One more tick.
                    toolCalls: [{name: tick, arguments: {}}]
                    usage: {promptTokens: 100, completionTokens: 50}
            """
        let cassette = directory + "/budget.cassette.yaml"
        try ("""
            conversations:
              - match: {model: openai/gpt-4o, prompt: \(prompt)}
                turns:

            """ + Array(repeating: turn, count: 30).joined(separator: "\n") + "\n").write(toFile: cassette, atomically: true, encoding: .utf8)
        let stack = try LocalStack(cassette: cassette)
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }

        let (code, out, err) = try await stack.cli(["run", spec, "budget test: \(prompt)", "--json"], timeout: .seconds(120))
        #expect(code == 0, "\(err)")
        let events = out.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        let exhausted = try #require(events.first { $0["type"] == "budget_exhausted" }, "\(out)\n\(err)")
        #expect(exhausted["content"].stringValue?.hasPrefix("budget exhausted: \(limit)") == true, "\(exhausted)")
        #expect(exhausted["output"]["limit"].stringValue == limit)
        #expect(events.last?["type"] == "done")
        let id = try #require(exhausted["executionId"].stringValue)
        let (_, statusText, _) = try await stack.cli(["status", id])
        let status = try JSONValue.parse(statusText)
        #expect(status["budget"]["spent"] == exhausted["output"]["spent"], "the status shows the spend: \(statusText)")
        #expect(status["budget"]["limits"] == exhausted["output"]["limits"], "\(statusText)")
        let ticks = events.filter { $0["type"] == "tool_call" && $0["toolName"] == "tick" }.count
        let spent = exhausted["output"]["spent"]
        switch limit {
        case "maxToolCalls":
            #expect(ticks == 3, "three calls ran, the fourth was stopped")
            #expect(spent["toolCalls"].intValue == 3)
        case "maxTokens":
            // 150 tokens a turn: the third turn reaches 450 ≥ 400 and its call does not run.
            #expect(ticks == 2)
            #expect(spent["tokens"].intValue == 450)
        case "maxCostUSD":
            // gpt-4o at $2.50/$10 per million: $0.00075 a turn, the third reaches $0.00225.
            #expect(ticks == 2)
            #expect((spent["costUSD"].doubleValue ?? 0) >= 0.002)
        default:
            #expect(ticks >= 1 && ticks < 30, "stopped long before the cassette ran out: \(ticks)")
            #expect((spent["wallSeconds"].doubleValue ?? 0) >= 2)
        }
    }
}
