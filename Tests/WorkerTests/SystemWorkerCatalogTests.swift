import AgentSpec
import Foundation
import Testing
import Workflow
@testable import Worker

/// Which system workers a spec needs, under the task names the compiler emits.
struct SystemWorkerCatalogTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("specs/examples").path

    func tools(_ example: String) throws -> SpecTools {
        var tools = SpecTools()
        try tools.add(try SpecLoader.load(path: "\(Self.examples)/\(example).yaml").config, baseDirectory: Self.examples)
        return tools
    }

    @Test func swarmNeedsHandoffCheckCheckTransfersAndEveryTransferTool() throws {
        let names = try tools("swarm").systemWorkers.map(\.name)
        #expect(names == [
            "helpdesk_swarm_handoff_check", "helpdesk_swarm_check_transfer", "billing_check_transfer", "tech_check_transfer",
            "helpdesk_swarm_transfer_to_billing", "helpdesk_swarm_transfer_to_tech", "billing_transfer_to_helpdesk_swarm",
            "billing_transfer_to_tech", "tech_transfer_to_helpdesk_swarm", "tech_transfer_to_billing",
        ])
    }

    @Test func otherStrategiesNeedTheirOwnWorkers() throws {
        #expect(try tools("hybrid").systemWorkers.map(\.name) == ["research_assistant_check_transfer", "research_assistant_transfer_to_summarizer"])
        #expect(try tools("manual").systemWorkers.map(\.name) == ["editorial_board_termination", "editorial_board_process_selection"])
        #expect(try tools("round_robin").systemWorkers.map(\.name) == ["debate_termination"])
        for example in ["handoff", "router", "sequential", "sequential_gate", "parallel", "random", "guarded"] {
            #expect(try tools(example).systemWorkers.isEmpty, "\(example)")
        }
    }

    @Test func hyphenatedNamesFollowTheCompilerAndMapBackToRawNames() throws {
        let summary = AgentConfig(name: "summary-bot", model: "openai/gpt-4o")
        let hybrid = AgentConfig(
            name: "research-team", model: "openai/gpt-4o", tools: [ToolConfig(name: "search")], agents: [summary],
            termination: TerminationConfig(type: "max_message"))
        var tools = SpecTools()
        try tools.add(hybrid, baseDirectory: "/")
        #expect(tools.systemWorkers.map(\.name) == [
            "research_team_termination", "research_team_check_transfer", "research_team_transfer_to_summary_bot",
        ])
        guard case .checkTransfer(let check) = tools.systemWorkers[1].role else {
            Issue.record("not a check_transfer")
            return
        }
        #expect(check.evaluate(["tool_calls": [["name": "research_team_transfer_to_summary_bot"]]])["transfer_to"] == "summary-bot")

        let team = AgentConfig(name: "support-team", agents: [summary, AgentConfig(name: "tech")], strategy: "swarm")
        var swarm = SpecTools()
        try swarm.add(team, baseDirectory: "/")
        #expect(swarm.systemWorkers.map(\.name).prefix(2) == ["support_team_handoff_check", "support-team_check_transfer"])
        #expect(swarm.systemWorkers.map(\.name).contains("summary-bot_transfer_to_support-team"))
    }

    @Test func forbiddenSwarmTransfersAnswerAnError() throws {
        let team = AgentConfig(
            name: "desk", agents: [AgentConfig(name: "a"), AgentConfig(name: "b")], strategy: "swarm",
            allowedTransitions: ["a": ["desk"]])
        var tools = SpecTools()
        try tools.add(team, baseDirectory: "/")
        let roles = Dictionary(uniqueKeysWithValues: tools.systemWorkers.map { ($0.name, $0.role) })
        #expect(roles["a_transfer_to_b"] == .transferTool(TransferTool(source: "a", target: "b", isAllowed: false)))
        #expect(roles["a_transfer_to_desk"] == .transferTool(TransferTool(source: "a", target: "desk", isAllowed: true)))
        #expect(roles["b_transfer_to_a"] == .transferTool(TransferTool(source: "b", target: "a", isAllowed: true)))
    }

    @Test func nestedTeamsAndSharedAgentsAreCollectedOnce() throws {
        let inner = AgentConfig(name: "inner", agents: [AgentConfig(name: "x"), AgentConfig(name: "y")], strategy: "manual")
        let outer = AgentConfig(name: "outer", agents: [inner, AgentConfig(name: "z")], strategy: "sequential")
        var tools = SpecTools()
        try tools.add(outer, baseDirectory: "/")
        try tools.add(inner, baseDirectory: "/")
        #expect(tools.systemWorkers.map(\.name) == ["inner_process_selection"])
        // A different team with the same name needs a different worker under the same task name.
        #expect(throws: WorkerConfigurationError.self) {
            try tools.add(AgentConfig(name: "inner", agents: [AgentConfig(name: "q")], strategy: "manual"), baseDirectory: "/")
        }
    }

    @Test func userCodeTasksAreListedForTheStartWarning() throws {
        var agent = AgentConfig(name: "a", stopWhen: WorkerRef(taskName: "a_stop_when"))
        agent.gate = GateConfig(taskName: "a_gate")
        agent.callbacks = [CallbackConfig(position: "before_model", taskName: "a_before_model")]
        agent.guardrails = [GuardrailConfig(name: "pii", guardrailType: "custom", taskName: "pii_check"), GuardrailConfig(name: "re", guardrailType: "regex")]
        agent.instructions = ["_worker_ref": "a_instructions"]
        var tools = SpecTools()
        try tools.add(agent, baseDirectory: "/")
        #expect(tools.userCodeTasks == [
            "a_stop_when (stop_when of a)", "a_gate (gate of a)", "a_instructions (dynamic instructions of a)",
            "a_before_model (before_model callback of a)", "pii_check (custom guardrail pii of a)",
        ])
    }
}
