import Engine
import Testing
import Workflow

@testable import Server

/// Journal entries → agent events, as a pure function of committed records.
@Suite struct AgentEventDeriverTests {
    let deriver = AgentEventDeriver()

    func entry(_ kind: JournalEntry.Kind, workflow: String = "root", task: String? = "t1", parent: String? = nil) -> JournalEntry {
        JournalEntry(seq: 1, rootWorkflowID: "root", workflowID: workflow, parentWorkflowID: parent, taskID: task, kind: kind, time: 42)
    }

    func task(_ type: String, name: String, ref: String, status: TaskStatus, input: [String: JSONValue] = [:], output: [String: JSONValue] = [:]) -> ConductorTask {
        var task = ConductorTask(taskId: "t1", taskType: type == "SIMPLE" ? name : type, referenceTaskName: ref, status: status,
                                 inputData: input, outputData: output, workflowInstanceId: "root")
        task.taskDefName = name
        task.workflowTask = WorkflowTask(name: name, taskReferenceName: ref, type: type)
        return task
    }

    @Test func llmTurnWithToolCallsIsThinkingWithTheModelsWords() {
        let llm = task("LLM_CHAT_COMPLETE", name: "llm_chat_complete", ref: "a_llm__1", status: .completed,
                       output: ["result": "Let me check.", "toolCalls": [["name": "x"]], "finishReason": "TOOL_CALLS"])
        let events = deriver.events(for: entry(.taskEnded), rootID: "root", task: llm, workflow: nil)
        #expect(events.map(\.type) == [.thinking])
        #expect(events.first?.content == "Let me check.")
        let final = task("LLM_CHAT_COMPLETE", name: "llm_chat_complete", ref: "a_llm__2", status: .completed,
                         output: ["result": "The answer.", "finishReason": "STOP"])
        #expect(deriver.events(for: entry(.taskEnded), rootID: "root", task: final, workflow: nil).isEmpty,
                "the final answer arrives with done, not as thinking")
    }

    @Test func aCondensedHistoryIsAContextCondensedEventWithItsCounts() {
        let condensed: JSONValue = [
            "trigger": "proactive (exceeds context window)", "messagesBefore": 19, "messagesAfter": 12, "exchangesCondensed": 4,
        ]
        let llm = task("LLM_CHAT_COMPLETE", name: "llm_chat_complete", ref: "a_llm__7", status: .scheduled,
                       input: ["contextCondensed": condensed])
        let events = deriver.events(for: entry(.taskScheduled), rootID: "root", task: llm, workflow: nil).map { $0.event(id: 1) }
        #expect(events.map(\.type) == [.contextCondensed])
        #expect(events.first?.content == "proactive (exceeds context window)")
        #expect(events.first?.messagesBefore == 19)
        #expect(events.first?.messagesAfter == 12)
        #expect(events.first?.exchangesCondensed == 4)
        let plain = task("LLM_CHAT_COMPLETE", name: "llm_chat_complete", ref: "a_llm__1", status: .scheduled)
        #expect(deriver.events(for: entry(.taskScheduled), rootID: "root", task: plain, workflow: nil).isEmpty)
    }

    @Test func toolTaskIsCallAndResultWithoutInternalKeys() {
        let tool = task("SIMPLE", name: "check_service", ref: "call_1", status: .completed,
                        input: ["service_name": "payments", "method": "check_service", "_agent_state": [:], "__agentspan_ctx__": ["execution_token": "secret"]],
                        output: ["status": "unhealthy"])
        let events = deriver.events(for: entry(.taskEnded), rootID: "root", task: tool, workflow: nil)
        #expect(events.map(\.type) == [.toolCall, .toolResult])
        #expect(events[0].args == ["service_name": "payments"])
        #expect(events[0].toolName == "check_service")
        #expect(events[1].result == ["status": "unhealthy"])

        let failed = task("SIMPLE", name: "check_service", ref: "call_2", status: .failed,
                          input: ["method": "check_service"], output: [:])
        let failure = deriver.events(for: entry(.taskEnded), rootID: "root", task: failed, workflow: nil)
        #expect(failure.map(\.type) == [.toolCall, .error])
    }

    @Test func systemTasksAreNotTools() {
        let inline = task("INLINE", name: "a_enrich_tools", ref: "a_enrich_tools__1", status: .completed, input: ["method": "x"])
        #expect(deriver.events(for: entry(.taskEnded), rootID: "root", task: inline, workflow: nil).isEmpty)
        let termination = task("SIMPLE", name: "a_termination", ref: "a_termination__1", status: .completed, input: ["result": "x"])
        #expect(deriver.events(for: entry(.taskEnded), rootID: "root", task: termination, workflow: nil).isEmpty)
    }

    @Test func humanTaskWaitsWithThePendingTool() {
        let human = task("HUMAN", name: "a_approval_human", ref: "a_approval_human__3", status: .inProgress,
                         input: ["tool_calls": [["name": "restart_service", "inputParameters": ["service_name": "payments", "method": "restart_service"]]],
                                 "response_schema": ["type": "object"]])
        let events = deriver.events(for: entry(.taskStarted), rootID: "root", task: human, workflow: nil)
        #expect(events.map(\.type) == [.waiting])
        #expect(events[0].pendingTool?["tool_name"] == "restart_service")
        #expect(events[0].pendingTool?["parameters"] == ["service_name": "payments"])
        #expect(events[0].pendingTool?["response_schema"] == ["type": "object"])
    }

    @Test func endsOfTheRootAndOfChildren() {
        var done = WorkflowExecution(workflowId: "root", workflowName: "a", status: .completed, output: ["result": "ok"])
        #expect(deriver.events(for: entry(.workflowEnded, task: nil), rootID: "root", task: nil, workflow: done).map(\.type) == [.done])
        done.workflowId = "child"
        #expect(deriver.events(for: entry(.workflowEnded, workflow: "child", task: nil, parent: "root"), rootID: "root", task: nil, workflow: done).isEmpty,
                "a sub-agent's completion is not the run's done")
        var failed = WorkflowExecution(workflowId: "root", workflowName: "a", status: .failed)
        failed.reasonForIncompletion = "boom"
        let error = deriver.events(for: entry(.workflowEnded, task: nil), rootID: "root", task: nil, workflow: failed)
        #expect(error.map(\.type) == [.error])
        #expect(error.first?.toolName == "workflow")
        #expect(error.first?.content == "boom")
    }

    @Test func handoffTargetsComeFromChildNames() {
        #expect(AgentEventDeriver.handoffTarget(workflowName: "team_handoff_0_researcher") == "researcher")
        #expect(AgentEventDeriver.handoffTarget(workflowName: "research-team_step_1_writer__2") == "writer")
        #expect(AgentEventDeriver.handoffTarget(workflowName: "billing_wf") == "billing")
        #expect(AgentEventDeriver.handoffTarget(workflowName: "3_tech") == "tech")
        #expect(AgentEventDeriver.handoffTarget(workflowName: "summarizer") == "summarizer")
        #expect(AgentEventDeriver.stripIteration("a_llm__12") == "a_llm")
        #expect(AgentEventDeriver.stripIteration("a__b") == "a__b")
        #expect(AgentEventDeriver.stripIteration("work__2__1") == "work")
    }
}
