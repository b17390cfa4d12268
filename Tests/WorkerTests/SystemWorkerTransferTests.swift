import AgentSpec
import Testing
import Workflow
@testable import Worker

/// check_transfer, the transfer tools and the swarm's handoff_check.
struct SystemWorkerTransferTests {
    static func call(_ name: String) -> JSONValue {
        ["name": .string(name), "taskReferenceName": "call_0_0", "inputParameters": [:], "type": "SIMPLE"]
    }

    @Test func checkTransferFindsTheFirstTransferCall() {
        let check = CheckTransfer(transferTools: ["my_agent_transfer_to_summary_bot": "summary-bot"])
        #expect(check.evaluate(["tool_calls": [Self.call("web_search")]]) == ["is_transfer": false, "transfer_to": ""])
        #expect(check.evaluate([:]) == ["is_transfer": false, "transfer_to": ""])
        // A known tool maps back to the raw sub-agent name the transfer SWITCH is keyed by.
        #expect(
            check.evaluate(["tool_calls": [Self.call("web_search"), Self.call("my_agent_transfer_to_summary_bot")]])
                == ["is_transfer": true, "transfer_to": "summary-bot"])
        // Any other `_transfer_to_` call: the text after the first marker (the reference rule).
        #expect(check.evaluate(["tool_calls": [Self.call("x_transfer_to_y_transfer_to_z")]]) == ["is_transfer": true, "transfer_to": "y_transfer_to_z"])
    }

    @Test func transferToolsAnswerEmptyOrAnErrorWhenForbidden() {
        #expect(TransferTool(source: "a", target: "b").evaluate(["method": "a_transfer_to_b"]) == [:])
        let blocked = TransferTool(source: "a", target: "b", isAllowed: false).evaluate([:])
        #expect(blocked["result"]?.stringValue?.hasPrefix("ERROR: b is not available.") == true)
    }

    let swarm = HandoffCheck(
        members: ["desk", "billing", "tech"], handoffs: [HandoffConfig(type: "on_text_mention", target: "billing", text: "refund")],
        allowedTransitions: ["tech": ["desk"]])

    @Test func handoffCheckFollowsAllowedTransfers() {
        let input: [String: JSONValue] = ["active_agent": "0", "is_transfer": true, "transfer_to": "tech", "result": ""]
        #expect(swarm.evaluate(input).output == ["active_agent": "2", "handoff": true])
        // Booleans that went through a workflow variable as text.
        #expect(swarm.evaluate(["active_agent": 0, "is_transfer": "true", "transfer_to": "billing"]).output == ["active_agent": "1", "handoff": true])
    }

    @Test func blockedTransfersRetryThreeTimesThenEnd() {
        let input: [String: JSONValue] = ["active_agent": "2", "is_transfer": true, "transfer_to": "billing", "result": "x"]
        let first = swarm.evaluate(input, blockedSoFar: 0)
        #expect(first.output == ["active_agent": "2", "handoff": true] && first.blocked)
        #expect(swarm.evaluate(input, blockedSoFar: 2).output == ["active_agent": "2", "handoff": true])
        #expect(swarm.evaluate(input, blockedSoFar: 3).output == ["active_agent": "2", "handoff": false])
    }

    @Test func textMentionHandoffsApplyWithoutATransfer() {
        #expect(swarm.evaluate(["active_agent": "0", "is_transfer": false, "result": "I want a REFUND"]).output == ["active_agent": "1", "handoff": true])
        // Already with the target, or nothing mentioned: stay and end the loop.
        #expect(swarm.evaluate(["active_agent": "1", "is_transfer": false, "result": "refund issued"]).output == ["active_agent": "1", "handoff": false])
        #expect(swarm.evaluate(["active_agent": "0", "result": "all fixed"]).output == ["active_agent": "0", "handoff": false])
        // A transfer to oneself falls through to the conditions.
        #expect(swarm.evaluate(["active_agent": "0", "is_transfer": true, "transfer_to": "desk", "result": "refund"]).output
            == ["active_agent": "1", "handoff": true])
        // tech may only reach desk, so its mention of a refund does not move the conversation.
        #expect(swarm.evaluate(["active_agent": "2", "result": "refund"]).output == ["active_agent": "2", "handoff": false])
    }

    @Test func handoffExecutorCountsBlockedTransfersPerExecution() async {
        let worker = swarm.executor(name: "desk_handoff_check")
        let input: [String: JSONValue] = ["active_agent": "2", "is_transfer": true, "transfer_to": "billing"]
        func run(_ execution: String) async -> JSONValue? {
            await worker.execute(ToolInvocation(input: input, taskID: "t", executionID: execution, toolName: worker.name)).output["handoff"]
        }
        for _ in 1...3 { #expect(await run("e1") == true) }
        #expect(await run("e1") == false)
        #expect(await run("e2") == true)
    }
}
