import Testing
@testable import Server

/// The `target` of handoff events, derived from the name of the sub-workflow that starts.
struct HandoffTargetTests {
    @Test(arguments: [
        ("billing", "billing"), ("support_desk_handoff_0_billing", "billing"), ("summarizer_wf", "summarizer"),
        ("tech_swarm_wf", "tech"), ("helpdesk_swarm_swarm_wf", "helpdesk_swarm"), ("tech_swarm_wf__2", "tech"),
    ])
    func swarmMemberWorkflowsNameTheirAgent(workflowName: String, target: String) {
        #expect(AgentEventDeriver.handoffTarget(workflowName: workflowName) == target)
    }
}
