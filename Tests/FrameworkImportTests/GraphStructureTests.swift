import AgentCompiler
import AgentSpec
import FrameworkImport
import Testing
import Workflow

/// LangGraph graph structures the real SDK serialised (Fixtures/langgraph_*.json, from
/// EndToEndTests/Fixtures/python/framework_graphs.py): how each shape compiles (§17.2), and what is refused by path.
struct GraphStructureTests {
    private func compile(_ name: String) throws -> WorkflowDef {
        let fixture = try FrameworkFixture(name)
        return try AgentCompiler().compile(try FrameworkImporter.normalize(framework: fixture.framework, rawConfig: fixture.rawConfig))
    }

    /// Every task of a workflow, nested ones included, in document order.
    private func flatten(_ tasks: [WorkflowTask]) -> [WorkflowTask] {
        tasks.flatMap { task -> [WorkflowTask] in
            var nested = (task.forkTasks ?? []).flatMap { flatten($0) } + flatten(task.loopOver ?? [])
            for key in (task.decisionCases ?? [:]).keys.sorted() { nested += flatten(task.decisionCases?[key] ?? []) }
            return [task] + nested + flatten(task.defaultCase ?? [])
        }
    }

    @Test func conditionalEdgeRunsTheRouterAndSwitchesOnItsDecision() throws {
        let def = try compile("langgraph_mood")
        #expect(def.tasks.map(\.taskReferenceName) == [
            "fw_lg_mood_classify", "fw_lg_mood_classify_router", "_route_classify", "_coalesce_classify", "fw_lg_mood_sign",
        ])
        let router = def.tasks[1]
        #expect(router.type == "SIMPLE" && router.inputParameters["state"] == "${fw_lg_mood_classify.output.state}")
        let route = def.tasks[2]
        #expect(route.type == "SWITCH" && route.inputParameters["switchCaseValue"] == "${fw_lg_mood_classify_router.output.decision}")
        #expect(route.decisionCases?["cheer"]?.map(\.name) == ["fw_lg_mood_cheer"])
        #expect(route.decisionCases?["console"]?.map(\.name) == ["fw_lg_mood_console"])
        // Each branch starts from the router's state; the node after the join reads the chosen branch's state.
        #expect(route.decisionCases?["cheer"]?.first?.inputParameters["state"] == "${fw_lg_mood_classify_router.output.state}")
        #expect(def.tasks[3].inputParameters["s0"] == "${fw_lg_mood_cheer.output.state}")
        #expect(def.tasks[4].inputParameters["state"] == "${_coalesce_classify.output.result.state}")
        #expect(def.outputParameters?["result"] == "${fw_lg_mood_sign.output.result}")
    }

    @Test func fanOutForksAndMergesTheBranchStates() throws {
        let def = try compile("langgraph_research")
        #expect(def.tasks.map(\.type) == ["SIMPLE", "FORK_JOIN", "JOIN", "INLINE", "SIMPLE"])
        let fork = def.tasks[1]
        #expect(fork.forkTasks?.map { $0.map(\.name) } == [["fw_lg_research_economics"], ["fw_lg_research_history"]])
        #expect(def.tasks[2].joinOn == ["fw_lg_research_economics", "fw_lg_research_history"])
        let merge = def.tasks[3]
        #expect(merge.taskReferenceName == "_fork_merge_plan")
        #expect(merge.inputParameters["base"] == "${fw_lg_research_plan.output.state}")
        #expect(merge.inputParameters["b0"] == "${fw_lg_research_economics.output.state}")
        // `notes` has an operator.add reducer: the merge appends each branch's notes.
        #expect(merge.inputParameters["expression"]?.stringValue?.contains(#"{"notes":true}"#) == true)
        #expect(def.tasks[4].name == "fw_lg_research_summarise")
        #expect(def.tasks[4].inputParameters["state"] == "${_fork_merge_plan.output.result.state}")
    }

    @Test func conditionalEdgeBackToANodeIsALoop() throws {
        let def = try compile("langgraph_rewrite")
        #expect(def.tasks.map(\.type) == ["DO_WHILE"])
        let loop = def.tasks[0]
        #expect(loop.taskReferenceName == "_loop_write")
        #expect(loop.loopOver?.map(\.taskReferenceName) == ["_loop_bridge_write", "fw_lg_rewrite_write", "fw_lg_rewrite_write_router"])
        #expect(loop.loopOver?[1].inputParameters["state"] == "${_loop_bridge_write.output.result.state}")
        #expect(loop.loopOver?[0].inputParameters["pre_loop_state"] == ["text": "${workflow.input.prompt}"])
        #expect(loop.loopCondition?.contains("$._loop_write['iteration'] < 25") == true)
        #expect(loop.loopCondition?.contains(#"$.fw_lg_rewrite_write_router['decision'] == "again""#) == true)
        #expect(def.outputParameters?["result"] == "${fw_lg_rewrite_write.output.result}")
    }

    /// The ReAct shape: a router picks a node whose plain edge leads back; the loop holds the router's SWITCH.
    @Test func branchWhosePlainEdgeLeadsBackIsALoop() throws {
        let def = try compile("langgraph_react")
        let loop = try #require(def.tasks.first)
        #expect(def.tasks.count == 1 && loop.type == "DO_WHILE")
        #expect(loop.loopOver?.map(\.taskReferenceName) == [
            "_loop_bridge_think", "fw_lg_react_think", "fw_lg_react_think_router", "_route_think", "_coalesce_think",
        ])
        #expect(loop.loopOver?[3].decisionCases?["act"]?.map(\.name) == ["fw_lg_react_act"])
        #expect(loop.loopOver?[0].inputParameters["loop_state"] == "${_coalesce_think.output.result.state}")
        #expect(loop.loopCondition?.contains(#"['decision'] == "act""#) == true)
    }

    @Test func llmNodeLetsTheServerMakeTheModelCall() throws {
        let def = try compile("langgraph_ask")
        #expect(def.tasks.map(\.taskReferenceName) == ["fw_lg_ask_ask_prep", "_llm_skip_ask", "_llm_out_ask"])
        let skip = def.tasks[1]
        #expect(skip.inputParameters["switchCaseValue"] == "${fw_lg_ask_ask_prep.output._skip_llm}")
        #expect(skip.decisionCases?["true"]?.map(\.type) == ["INLINE"])
        let call = try #require(skip.defaultCase?.first)
        #expect(call.type == "LLM_CHAT_COMPLETE" && call.taskReferenceName == "fw_lg_ask_ask_llm")
        #expect(call.inputParameters["llmProvider"] == "openai" && call.inputParameters["model"] == "gpt-4o")
        #expect(call.inputParameters["messages"] == "${fw_lg_ask_ask_prep.output.messages}")
        #expect(skip.defaultCase?.last?.inputParameters["llm_result"] == "${fw_lg_ask_ask_llm.output.result}")
        #expect(def.outputParameters?["result"] == "${_llm_out_ask.output.result.result}")
    }

    @Test func humanNodeWaitsForAnAnswerAndMergesIt() throws {
        let def = try compile("langgraph_post")
        let refs = def.tasks.map(\.taskReferenceName)
        #expect(refs.first == "fw_lg_post_prepare" && refs.last == "fw_lg_post_publish")
        let human = try #require(def.tasks.first { $0.type == "HUMAN" })
        #expect(human.taskReferenceName == "human_approve")
        #expect(human.inputParameters["_prompt"] == "Approve the post?")
        #expect(human.inputParameters["state"] == "${fw_lg_post_prepare.output.state}")
        #expect(refs.contains("human_approve_process"))
        #expect(def.tasks.last?.inputParameters["state"] == "${human_approve_process.output.result.state}")
        // No worker serves the human node.
        #expect(!flatten(def.tasks).contains { $0.name == "fw_lg_post_approve" })
    }

    @Test func subgraphNodeRunsTheSubgraphAsASubWorkflow() throws {
        let def = try compile("langgraph_outer")
        #expect(def.tasks.map(\.taskReferenceName) == ["fw_lg_outer_delegate_sg_prep", "_sg_skip_delegate", "_sg_out_delegate"])
        let sub = try #require(def.tasks[1].defaultCase?.first)
        #expect(sub.type == "SUB_WORKFLOW")
        #expect(sub.inputParameters["state"] == "${fw_lg_outer_delegate_sg_prep.output.subgraph_input}")
        let inner = try #require(sub.subWorkflowParam?.workflowDefinition)
        #expect(inner.name == "fw_lg_outer_delegate")
        #expect(inner.tasks.map(\.name) == ["fw_lg_outer_delegate_upper"])
        #expect(inner.tasks[0].inputParameters["state"] == "${workflow.input.state}")
        #expect(inner.outputParameters?["state"] == "${fw_lg_outer_delegate_upper.output.state}")
        #expect(def.tasks[1].defaultCase?.last?.inputParameters["subgraph_result"] == "${_sg_sub_delegate.output.state}")
    }

    /// A router returning `Send`s (map-reduce): its sends become a dynamic fork of the target's worker.
    @Test func sendFanOutIsADynamicFork() throws {
        let def = try compile("langgraph_send")
        #expect(def.tasks.map(\.taskReferenceName) == [
            "fw_lg_send_plan", "fw_lg_send_plan_router", "_dyn_enrich_plan", "_dyn_fork_plan", "_dyn_join_plan", "_dyn_merge_plan",
        ])
        #expect(def.tasks[2].inputParameters["dynamic_tasks"] == "${fw_lg_send_plan_router.output.dynamic_tasks}")
        #expect(def.tasks[2].inputParameters["expression"]?.stringValue?.contains(#"{"history":"fw_lg_send_history"}"#) == true)
        #expect(def.tasks[3].type == "FORK_JOIN_DYNAMIC" && def.tasks[3].dynamicForkTasksParam == "dynamicTasks")
        #expect(def.tasks[5].inputParameters["joinOutput"] == "${_dyn_join_plan.output}")
        #expect(def.outputParameters?["result"] == "${_dyn_merge_plan.output.result.result}")
    }

    /// Shapes with no agentspanc equivalent: each refused naming where, before anything runs.
    @Test func unmappableGraphsAreRefused() throws {
        func graph(_ edges: [JSONValue], conditional: [JSONValue] = [], reducers: JSONValue? = nil) -> JSONValue {
            var g: [String: JSONValue] = [
                "nodes": [["name": "a", "_worker_ref": "g_a"], ["name": "b", "_worker_ref": "g_b"]],
                "edges": .array(edges), "conditional_edges": .array(conditional),
            ]
            if let reducers { g["_reducers"] = reducers }
            return ["name": "g", "_graph": .object(g)]
        }
        func refusal(_ raw: JSONValue) -> String {
            do {
                let config = try FrameworkImporter.normalize(framework: "langgraph", rawConfig: raw)
                _ = try AgentCompiler().compile(config)
                return "accepted"
            } catch let error as FrameworkImportError {
                return error.description
            } catch {
                return "compile: \(error)"
            }
        }
        let unknown = refusal(graph([["source": "__start__", "target": "c"]]))
        #expect(unknown.hasPrefix("rawConfig._graph.edges[0].target: 'c' is not a node"), "\(unknown)")
        let forever = refusal(graph([["source": "__start__", "target": "a"], ["source": "a", "target": "b"], ["source": "b", "target": "a"]]))
        #expect(forever.contains("back to 'a' loops forever"), "\(forever)")
        let both = refusal(graph(
            [["source": "__start__", "target": "a"], ["source": "a", "target": "b"]],
            conditional: [["source": "a", "_router_ref": "g_a_router", "targets": ["x": "b"]]]))
        #expect(both.hasPrefix("rawConfig._graph.conditional_edges[0]: 'a' has both"), "\(both)")
        let reducer = refusal(graph(
            [["source": "__start__", "target": "a"], ["source": "__start__", "target": "b"]], reducers: ["log": "add_messages"]))
        #expect(reducer.hasPrefix("rawConfig._graph._reducers.log: the reducer 'add_messages'"), "\(reducer)")
        let noTarget = refusal(graph(
            [["source": "__start__", "target": "a"]], conditional: [["source": "a", "_router_ref": "r", "targets": ["x": "z"]]]))
        #expect(noTarget.hasPrefix("rawConfig._graph.conditional_edges[0].targets.x: 'z' is not a node"), "\(noTarget)")
    }
}
