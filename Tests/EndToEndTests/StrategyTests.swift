import Foundation
import TestSupport
import Testing

/// Every example spec of specs/examples, end to end: a real server answering LLM tasks from the example's cassette,
/// a real `agentspanc worker` serving the system workers where the strategy needs them, and `agentspanc run --json`.
@Suite(.serialized)
struct StrategyTests {
    /// One finished run: exit code, parsed events, and the process output for failure messages.
    struct Run {
        var code: Int32?
        var events: [[String: Any]]
        var log: String

        var types: [String] { events.compactMap { $0["type"] as? String } }
        var handoffTargets: [String] { events.filter { $0["type"] as? String == "handoff" }.compactMap { $0["target"] as? String } }
        var toolCalls: [String] { events.filter { $0["type"] as? String == "tool_call" }.compactMap { $0["toolName"] as? String } }
        var output: [String: Any] { (events.last { $0["type"] as? String == "done" }?["output"] as? [String: Any]) ?? [:] }
        var result: String? { output["result"] as? String }
    }

    static func parse(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Starts a server with `specs/examples/<example>.cassette.yaml` and, when `worker`, a worker for the spec.
    func stack(_ example: String, worker: Bool) async throws -> LocalStack {
        let stack = try LocalStack(cassette: "\(TestEnvironment.packageRoot)/specs/examples/\(example).cassette.yaml")
        try await stack.startServer()
        if worker { try stack.startWorker(["specs/examples/\(example).yaml"]) }
        return stack
    }

    /// `agentspanc run specs/examples/<example>.yaml PROMPT --json` to completion.
    func run(_ example: String, _ prompt: String, worker: Bool = false) async throws -> Run {
        let stack = try await stack(example, worker: worker)
        defer { Task { await stack.stopAll() } }
        let (code, out, err) = try await stack.cli(["run", "specs/examples/\(example).yaml", prompt, "--json"])
        return Run(
            code: code, events: Self.parse(out),
            log: "stdout:\n\(out)\nstderr:\n\(err)\nworker:\n\(stack.worker?.stderr ?? "")\nserver:\n\(stack.server?.stderr ?? "")")
    }

    /// Runs a spec that waits for people: each time the run waits, `answers` gives the next `respond` arguments.
    func runAnswering(_ example: String, _ prompt: String, answers: [[String]]) async throws -> Run {
        let stack = try await stack(example, worker: true)
        defer { Task { await stack.stopAll() } }
        let process = try ChildProcess(
            TestEnvironment.binary,
            ["run", "\(TestEnvironment.packageRoot)/specs/examples/\(example).yaml", prompt, "--json", "--server", stack.url])
        var answered = 0
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let events = Self.parse(process.stdout)
            let waits = events.filter { $0["type"] as? String == "waiting" }
            if waits.count > answered, answered < answers.count, let id = events.first?["executionId"] as? String {
                let (code, _, err) = try await stack.cli(["respond", id] + answers[answered])
                #expect(code == 0, "respond: \(err)")
                answered += 1
            }
            if await process.wait(timeout: .milliseconds(100)) != nil { break }
        }
        let code = await process.wait(timeout: .seconds(1))
        if code == nil { await process.kill9() }
        return Run(
            code: code, events: Self.parse(process.stdout),
            log: "stdout:\n\(process.stdout)\nstderr:\n\(process.stderr)\nworker:\n\(stack.worker?.stderr ?? "")\nserver:\n\(stack.server?.stderr ?? "")")
    }

    @Test func handoffRoutesToEachSpecialistUntilDone() async throws {
        let run = try await run("handoff", "I have a double charge and a login error.")
        #expect(run.code == 0, "\(run.log)")
        #expect(run.types.last == "done")
        #expect(run.handoffTargets.filter { ["billing", "tech"].contains($0) } == ["billing", "tech"], "\(run.log)")
        #expect(run.result == "Your duplicate charge of $40 has been refunded, and the login error is fixed: clear the app cache and sign in again.")
    }

    @Test func routerAgentPicksTheSpecialist() async throws {
        let run = try await run("router", "Please resend invoice INV-7 to my new address.")
        #expect(run.code == 0, "\(run.log)")
        #expect(run.handoffTargets.filter { ["billing", "tech"].contains($0) } == ["billing"], "\(run.log)")
        #expect(run.result == "Your invoice INV-7 was sent again to your new address.")
    }

    @Test func functionRouterScriptBoundWithRunPicksTheSpecialist() async throws {
        let run = try await run("router_fn", "I want a refund for last month.", worker: true)
        #expect(run.code == 0, "\(run.log)")
        #expect(run.handoffTargets.filter { ["billing", "tech"].contains($0) } == ["billing"], "\(run.log)")
        #expect(run.result == "Your refund of $12 is on its way.")
    }

    @Test func stopWhenScriptEndsAToolLoopEarly() async throws {
        let run = try await run("stop_when", "Watch the production deployment.", worker: true)
        #expect(run.code == 0, "\(run.log)")
        #expect(run.toolCalls == ["deployment_status", "deployment_status"], "\(run.log)")
        #expect(run.result == "Production is LIVE.", "\(run.log)")
    }

    @Test func terminationConditionCapsAToolLoop() async throws {
        let run = try await run("stop_when", "Watch the staging deployment.", worker: true)
        #expect(run.code == 0, "\(run.log)")
        #expect(run.toolCalls.count == 3, "\(run.log)")
        #expect(run.result == "Staging still rolling, poll 3.", "\(run.log)")
    }

    @Test func sequentialPassesEachStageOutputOn() async throws {
        let run = try await run("sequential", "What is SQLite?")
        #expect(run.code == 0, "\(run.log)")
        #expect(run.handoffTargets.filter { ["researcher", "writer"].contains($0) } == ["researcher", "writer"], "\(run.log)")
        #expect(run.result == "SQLite is an embedded database that keeps a whole database in a single file.")
    }

    @Test func sequentialGateStopsOrContinuesThePipeline() async throws {
        let stopped = try await run("sequential_gate", "Ticket: a typo in the footer.")
        #expect(stopped.code == 0, "\(stopped.log)")
        #expect(stopped.result == "NOTHING_TO_DO")
        #expect(!stopped.handoffTargets.contains("fixer"), "\(stopped.log)")

        let fixed = try await run("sequential_gate", "Ticket: export crashes on empty reports.")
        #expect(fixed.code == 0, "\(fixed.log)")
        #expect(fixed.result == "Fix: return an empty file when the report has no rows.")
        #expect(fixed.handoffTargets.filter { ["triage", "fixer"].contains($0) } == ["triage", "fixer"], "\(fixed.log)")
    }

    @Test func parallelAggregatesEveryAnalyst() async throws {
        let run = try await run("parallel", "Should we sell to small clinics?")
        #expect(run.code == 0, "\(run.log)")
        #expect(Set(run.handoffTargets).isSuperset(of: ["market", "risk"]), "\(run.log)")
        #expect(run.result == "[market]: Market: 2M small clinics, growing 8% a year.\n\n[risk]: Risk: strict health-data regulation in every market.")
        let sub = run.output["subResults"] as? [String: Any]
        #expect(sub?["risk"] as? String == "Risk: strict health-data regulation in every market.")
    }

    @Test func roundRobinEndsWhenTheTerminationConditionHolds() async throws {
        let run = try await run("round_robin", "Should we adopt a four-day week?", worker: true)
        #expect(run.code == 0, "\(run.log)")
        let transcript = try #require(run.result, "\(run.log)")
        // bob speaks first (iteration 1 % 2); alice's AGREED ends the debate after two of the four turns.
        #expect(transcript == """
            Should we adopt a four-day week?

            [bob]: A four-day week risks slower customer support.

            [alice]: Support can rotate across five days. AGREED: we pilot it for one quarter.
            """)
        #expect(run.handoffTargets.filter { ["alice", "bob"].contains($0) } == ["bob", "alice"])
    }

    @Test func randomRunsMaxTurnsTurns() async throws {
        let run = try await run("random", "How do we expand abroad?")
        #expect(run.code == 0, "\(run.log)")
        let transcript = try #require(run.result, "\(run.log)")
        let turns = transcript.components(separatedBy: "\n\n[").dropFirst()
        #expect(turns.count == 5, "\(transcript)")
        #expect(turns.allSatisfy { $0.hasPrefix("optimist]: ") || $0.hasPrefix("skeptic]: ") || $0.hasPrefix("pragmatist]: ") })
    }

    @Test func manualWaitsForAPersonToPickEachSpeaker() async throws {
        let run = try await runAnswering(
            "manual", "Write about durable agents.", answers: [["--json", #"{"selected": "writer"}"#], ["--json", #"{"selected": "1"}"#]])
        #expect(run.code == 0, "\(run.log)")
        #expect(run.types.filter { $0 == "waiting" }.count == 2, "\(run.log)")
        #expect(run.result == """
            Write about durable agents.

            [writer]: Draft: Durable agents keep working when servers restart.

            [editor]: Edited: Durable agents survive server restarts. APPROVED
            """)
    }

    @Test func swarmHandsOverByTransferToolAndByTextMention() async throws {
        let run = try await run("swarm", "The dashboard is down since this morning.", worker: true)
        #expect(run.code == 0, "\(run.log)")
        #expect(run.toolCalls == ["helpdesk_swarm_transfer_to_tech"], "\(run.log)")
        // The parent (triage) speaks first, transfers to tech, whose mention of a refund hands over to billing.
        #expect(run.handoffTargets.filter { ["helpdesk_swarm", "tech", "billing"].contains($0) } == ["helpdesk_swarm", "tech", "billing"], "\(run.log)")
        #expect(run.result == "The outage is fixed and your refund for the downtime is issued.")
    }

    @Test func swarmWithATeamAsMemberRunsTheTeamsOwnStrategy() async throws {
        let run = try await run("swarm_hierarchical", "Checkout is slow.", worker: true)
        #expect(run.code == 0, "\(run.log)")
        #expect(run.toolCalls == ["front_desk_transfer_to_experts"], "\(run.log)")
        #expect(Set(run.handoffTargets).isSuperset(of: ["front_desk", "experts", "db_expert", "net_expert"]), "\(run.log)")
        #expect(run.result == "The slow checkout comes from a missing index and a saturated link; both experts agree.")
    }

    @Test func hybridSearchesThenTransfersToTheSubAgent() async throws {
        let run = try await run("hybrid", "Explain durable execution.", worker: true)
        #expect(run.code == 0, "\(run.log)")
        #expect(run.toolCalls == ["web_search", "research_assistant_transfer_to_summarizer"], "\(run.log)")
        #expect(run.handoffTargets.contains("summarizer"), "\(run.log)")
        let result = run.output["result"] as? [String: Any]
        #expect(result?["summarizer"] as? String == "Summary: durable execution persists every step so work resumes after a crash.", "\(run.log)")
    }

    @Test func guardedWaitsForApprovalAndRetriesAnAnswerTheGuardrailRejects() async throws {
        let run = try await runAnswering("guarded", "Delete record 42.", answers: [["--approve"]])
        #expect(run.code == 0, "\(run.log)")
        #expect(run.types.contains("waiting"), "\(run.log)")
        #expect(run.toolCalls.contains("delete_record"), "\(run.log)")
        #expect(run.types.contains("guardrail_fail"), "\(run.log)")
        #expect(run.result == "Deleted record 42. Thank you for your patience.", "\(run.log)")
    }
}
