import AgentCompiler
import AgentSpec
import Foundation
import Testing
import Workflow

/// Fixtures and helpers shared by the compiler tests.
enum Fixtures {
    /// `Golden/` as copied into the test bundle.
    static var directory: URL { Bundle.module.url(forResource: "Golden", withExtension: nil)! }

    /// `Golden/` in the source tree (where `UPDATE_GOLDEN=1` records).
    static var sourceDirectory: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden") }

    /// Every fixture name (`<name>.yaml`).
    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func load(_ name: String) throws -> AgentConfig {
        try SpecLoader.load(path: directory.appendingPathComponent("\(name).yaml").path).config
    }

    static func compile(_ name: String) throws -> WorkflowDef {
        try AgentCompiler().compile(load(name))
    }

    /// The deterministic text `agentspanc compile` writes.
    static func text(_ def: WorkflowDef) throws -> String {
        String(decoding: try CompiledJSON.data(def), as: UTF8.self)
    }

    /// Every task of a tree (loops, cases, forks, inline sub-workflows), depth first.
    static func allTasks(_ tasks: [WorkflowTask]) -> [WorkflowTask] {
        var out: [WorkflowTask] = []
        for task in tasks {
            out.append(task)
            out += allTasks(task.loopOver ?? [])
            for key in (task.decisionCases ?? [:]).keys.sorted() { out += allTasks(task.decisionCases![key]!) }
            out += allTasks(task.defaultCase ?? [])
            for branch in task.forkTasks ?? [] { out += allTasks(branch) }
            out += allTasks(task.subWorkflowParam?.workflowDefinition?.tasks ?? [])
        }
        return out
    }
}

@Suite("Golden workflows")
struct GoldenTests {
    /// Each fixture compiles to exactly its recorded workflow. `UPDATE_GOLDEN=1` re-records (and fails, so a
    /// recording is never a silent pass).
    @Test(arguments: Fixtures.names)
    func golden(_ name: String) throws {
        let actual = try Fixtures.text(Fixtures.compile(name))
        let expectedURL = Fixtures.directory.appendingPathComponent("\(name).json")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try actual.write(to: Fixtures.sourceDirectory.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
            Issue.record("recorded Golden/\(name).json")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "Golden/\(name).json differs; run UPDATE_GOLDEN=1 swift test --filter AgentCompilerTests to re-record")
    }

    @Test("fixtures exist for every strategy")
    func coverage() {
        #expect(Fixtures.names.count >= 20)
    }

    @Test("every spec under specs/ compiles")
    func examplesCompile() throws {
        let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("specs")
        let files = (FileManager.default.enumerator(atPath: specs.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".cassette.yaml") && !$0.hasSuffix(".test.yaml") }
        #expect(files.count >= 12)
        var strategies: Set<String> = []
        for file in files {
            let config = try SpecLoader.load(path: specs.appendingPathComponent(file).path).config
            _ = try AgentCompiler().compile(config)
            if !config.agents.isEmpty { strategies.insert(config.tools.isEmpty ? config.strategy ?? "handoff" : "hybrid") }
        }
        #expect(strategies == ["handoff", "sequential", "parallel", "router", "round_robin", "random", "swarm", "manual", "hybrid"])
    }

    @Test("compiling twice gives byte-identical output")
    func deterministic() throws {
        for name in Fixtures.names {
            #expect(try Fixtures.text(Fixtures.compile(name)) == Fixtures.text(Fixtures.compile(name)))
        }
    }
}

@Suite("Workflow structure")
struct StructureTests {
    private func refs(_ tasks: [WorkflowTask]) -> [String] { tasks.map(\.taskReferenceName) }

    @Test func simpleAgent() throws {
        let def = try Fixtures.compile("simple")
        #expect(def.name == "greeter")
        #expect(def.tasks.count == 1)
        let llm = def.tasks[0]
        #expect(llm.type == "LLM_CHAT_COMPLETE" && llm.name == "llm_chat_complete" && llm.taskReferenceName == "greeter_llm")
        #expect(llm.inputParameters["llmProvider"] == "anthropic")
        #expect(llm.inputParameters["model"] == "claude-sonnet-4-20250514")
        #expect(llm.inputParameters["maxTokens"] == 500)
        #expect(llm.inputParameters["temperature"] == 0.7)
        #expect(def.outputParameters?["context"] == "${workflow.input.context}")
        #expect(def.metadata?["agent_capabilities"] == ["simple"])
    }

    @Test func toolAgentLoop() throws {
        let def = try Fixtures.compile("tools")
        #expect(refs(def.tasks) == ["lookup_ctx_resolve", "lookup_init_state", "lookup_loop"])
        let loop = def.tasks[2]
        #expect(refs(loop.loopOver!) == ["lookup_ctx_inject", "lookup_llm", "lookup_tool_router"])
        #expect(loop.loopCondition!.contains("$.lookup_loop['iteration'] < 25"))
        let router = loop.loopOver![2]
        #expect(router.name == "SWITCH" && router.defaultCase == [])
        #expect(refs(router.decisionCases!["tool_call"]!) == [
            "lookup_enrich_tools", "lookup_fork", "lookup_fork_join", "lookup_merge_state", "lookup_set_state",
        ])
        let fork = router.decisionCases!["tool_call"]![1]
        #expect(fork.type == "FORK_JOIN_DYNAMIC" && fork.dynamicForkTasksParam == "dynamicTasks")
        let enrich = router.decisionCases!["tool_call"]![0].inputParameters["expression"]!.stringValue!
        #expect(enrich.contains("\"count\":{\"allowedCommands\":[\"wc\"]}"))
        #expect(def.metadata?["agent_capabilities"] == ["tool-calling"])
        #expect(def.metadata?["agentDef"]?["tools"].arrayValue?[0]["run"] == .null, "run: bindings stay out of the compiled output")
    }

    @Test func kitchenSink() throws {
        let def = try Fixtures.compile("kitchen_sink")
        #expect(def.timeoutSeconds == 120 && def.timeoutPolicy == "TIME_OUT_WF")
        #expect(def.tasks.first?.name == "cb_start" && def.tasks.first?.taskReferenceName == "kitchen-sink_before_agent")
        #expect(def.tasks.last?.name == "cb_end")
        let loop = def.tasks[3]
        #expect(refs(loop.loopOver!) == [
            "kitchen_sink_ctx_inject", "kitchen-sink_before_model", "kitchen_sink_llm", "kitchen-sink_after_model",
            "kitchen_sink_tool_router", "kitchen_sink_stop_when", "kitchen_sink_termination",
        ])
        #expect(loop.loopCondition!.hasSuffix("&& $.kitchen_sink_stop_when.should_continue == true && $.kitchen_sink_termination.should_continue == true ) { true; } else { false; }"))
        let llm = loop.loopOver![2].inputParameters
        #expect(llm["thinkingConfig"] == ["enabled": true, "budgetTokens": 2048])
        #expect(llm["baseUrl"] == "http://llm-proxy.local")
        let system = llm["messages"]!.arrayValue![0]["message"].stringValue!
        #expect(system.contains("code execution capabilities") && system.contains("CLI command execution") && system.contains("step-by-step plan"))
        #expect(system.contains("{'answer': str, 'items': [{'id': int}]}"))
        #expect(!system.contains("Shell mode is disabled"))
        #expect(llm["messages"]!.arrayValue![1]["role"] == "assistant", "memory sits between system and user")
    }

    @Test func guardrailsEveryMode() throws {
        let def = try Fixtures.compile("guardrails")
        #expect(refs(def.tasks) == ["checked_loop", "checked_resolve_output"])
        let body = def.tasks[0].loopOver!
        #expect(refs(body).contains("checked_ext_guardrail_vendor"))
        #expect(!refs(body).contains { $0.contains("ignored") }, "input-position agent guardrails are not compiled")
        let llm = body[0]
        #expect(llm.inputParameters["participants"]?.objectValue?.keys.sorted() == (0..<5).map { "checked_guardrail_retry_\($0)" })
        let humanRoute = body.first { $0.taskReferenceName == "checked_guardrail_route_3" }!
        #expect(humanRoute.decisionCases!["human"]!.first?.type == "HUMAN")
        #expect(def.tasks[0].loopCondition!.contains("$.checked_ext_guardrail_vendor.should_continue == true"))
        #expect(def.tasks[0].loopCondition!.contains("$.checked_regex_guardrail_no_card.result.should_continue == true"))
    }

    @Test func approvalGate() throws {
        let def = try Fixtures.compile("approval")
        let all = Fixtures.allTasks(def.tasks)
        let reject = all.first { $0.taskReferenceName == "admin_approval_reject" }
        #expect(reject?.type == "TERMINATE" && reject?.inputParameters["terminationStatus"] == "COMPLETED")
        #expect(all.first { $0.taskReferenceName == "admin_approval_reject_output" }?.inputParameters["finishReason"] == "rejected")
        #expect(all.contains { $0.taskReferenceName == "admin_approved_fork" } && all.contains { $0.taskReferenceName == "admin_direct_fork" })
        #expect(def.tasks[1].inputParameters["_human_feedback"] == "")
    }

    @Test func toolGuardrailsComeFirst() throws {
        let def = try Fixtures.compile("tool_guardrails")
        let router = def.tasks[2].loopOver!.last!
        let toolCase = refs(router.decisionCases!["tool_call"]!)
        #expect(toolCase.first == "shell_agent_format_tool_calls")
        #expect(toolCase.contains("shell_agent_tool_regex_guardrail_no_rm") && toolCase.contains("shell_agent_guardrail_route_tg_1"))
        #expect(toolCase.last == "shell_agent_approval_gate")
    }

    @Test func discoveryStages() throws {
        let def = try Fixtures.compile("discovery")
        #expect(refs(def.tasks) == [
            "integrator_list_mcp_0", "integrator_fetch_api_0", "integrator_list_api_0", "integrator_discovery_prepare",
            "integrator_discovery_threshold", "integrator_discovery_resolve", "integrator_ctx_resolve", "integrator_init_state",
            "integrator_loop",
        ])
        #expect(def.tasks[0].inputParameters["headers"] == ["X-Key": "#{MCP}"])
        let llm = def.tasks[8].loopOver![1]
        #expect(llm.inputParameters["tools"] == "${integrator_discovery_resolve.output.result.tools}")
        #expect(llm.inputParameters["temperature"] == nil)
    }

    @Test func handoffTeam() throws {
        let def = try Fixtures.compile("handoff")
        #expect(def.description == "Handoff agent: help-team" && def.timeoutSeconds == 300)
        #expect(refs(def.tasks) == ["help_team_ctx_resolve", "help_team_init", "help_team_loop", "help_team_final"])
        #expect(def.tasks[1].inputParameters["conversation"] == "[billing]: I do billing\n\n${workflow.input.prompt}")
        let switchTask = def.tasks[2].loopOver![3]
        #expect(switchTask.decisionCases!.keys.sorted() == ["DONE", "billing", "legacy", "tech"])
        #expect(switchTask.defaultCase!.first?.taskReferenceName == "help-team_handoff_0_billing_default")
        let tech = switchTask.decisionCases!["tech"]!.first!
        #expect(tech.inputParameters["include_contents"] == "none")
        let legacy = switchTask.decisionCases!["legacy"]!.first!.subWorkflowParam!
        #expect(legacy.name == "legacy" && legacy.workflowDefinition == nil && legacy.version == nil)
        #expect(def.metadata?["agent_capabilities"] == ["multi-agent-handoff", "simple"])
    }

    @Test func routers() throws {
        let worker = try Fixtures.compile("router_worker")
        let router = worker.tasks[2].loopOver![0]
        #expect(router.type == "SIMPLE" && router.name == "routed_router_fn")
        let agent = try Fixtures.compile("router_agent")
        #expect(refs(agent.tasks).prefix(2) == ["routed_dynamic_router_instructions_worker", "routed_dynamic_router_instructions"])
        let llm = agent.tasks[4].loopOver![0].subWorkflowParam!.workflowDefinition!.tasks[0]
        #expect(llm.inputParameters["llmProvider"] == "anthropic")
        #expect(llm.inputParameters["messages"]!.arrayValue![0]["message"].stringValue!.contains("${routed_dynamic_router_instructions.output.result}"))
    }

    @Test func sequentialGates() throws {
        let def = try Fixtures.compile("sequential_gates")
        #expect(refs(def.tasks) == [
            "pipeline_ctx_init_resolve", "pipeline_ctx_init", "pipeline_step_0_a", "pipeline_ctx_merge_0", "pipeline_ctx_set_0",
            "pipeline_step_0_a_coerce", "pipeline_gate_0", "pipeline_gate_switch_0", "pipeline_output_selector",
        ])
        let inner = def.tasks[7].decisionCases!["continue"]!
        #expect(refs(inner) == ["pipeline_step_1_b", "pipeline_step_1_b_coerce", "pipeline_gate_1", "pipeline_gate_switch_1"])
        #expect(inner[2].type == "SIMPLE" && inner[2].name == "b_gate")
        #expect(inner[3].inputParameters["switchCaseValue"] == "${pipeline_gate_1.output.decision}")
        #expect(def.outputParameters?["result"] == "${pipeline_output_selector.output.result}")
    }

    @Test func parallelAndRotations() throws {
        let parallel = try Fixtures.compile("parallel")
        #expect(parallel.tasks[2].type == "FORK_JOIN" && parallel.tasks[2].joinOn == ["panel_parallel_0_market", "panel_parallel_1_nested"])
        #expect(parallel.metadata?["agent_capabilities"] == ["multi-agent-parallel", "simple", "multi-agent-sequential"])
        let robin = try Fixtures.compile("round_robin_constrained")
        #expect(robin.tasks[1].inputParameters["last_agent"] == "0")
        let select = robin.tasks[2].loopOver![0].inputParameters["expression"]!.stringValue!
        #expect(select.contains("{\"0\":[1,2],\"1\":[0]}"), "unknown names (the parent) are dropped")
        #expect(robin.tasks[2].loopCondition == "if ( $.discussion_loop['iteration'] < 6 && $.discussion_stop_when.should_continue == true && $.discussion_termination.should_continue == true ) { true; } else { false; }")
        let random = try Fixtures.compile("random")
        #expect(random.tasks[2].loopOver![0].inputParameters["expression"]!.stringValue!.contains("Math.random()"))
        let manual = try Fixtures.compile("manual")
        #expect(manual.tasks[2].loopOver!.map(\.type) == ["HUMAN", "SIMPLE", "SWITCH", "SIMPLE"])
    }

    @Test func hierarchicalSwarm() throws {
        let def = try Fixtures.compile("swarm_hierarchical")
        let cases = def.tasks[2].loopOver![0].decisionCases!
        #expect(cases.keys.sorted() == ["0", "1", "2", "3"])
        let lead = cases["1"]![0].subWorkflowParam!.workflowDefinition!
        #expect(lead.tasks.map(\.type) == ["SUB_WORKFLOW", "LLM_CHAT_COMPLETE", "SIMPLE"])
        #expect(lead.tasks[0].name == "engineering_lead_strategy")
        let marketing = cases["2"]![0].subWorkflowParam!.workflowDefinition!
        #expect(marketing.name == "marketing_lead_swarm_wf" && marketing.tasks.map(\.type) == ["SET_VARIABLE", "DO_WHILE"])
        let coder = cases["3"]![0].subWorkflowParam!.workflowDefinition!
        #expect(coder.tasks.map(\.taskReferenceName) == ["_fw_task"])
        #expect(cases["0"]![0].inputParameters["__agentspan_ctx__"] == nil)
    }

    @Test func hybridTransfers() throws {
        let def = try Fixtures.compile("hybrid")
        #expect(def.description == "Hybrid agent: hybrid-agent")
        let specs = def.tasks[2].loopOver![1].inputParameters["tools"]!.arrayValue!.map { $0["name"].stringValue! }
        #expect(specs == ["search", "hybrid_agent_transfer_to_summarizer", "hybrid_agent_transfer_to_fact_checker"])
        let transfer = def.tasks.last!
        #expect(transfer.taskReferenceName == "hybrid_agent_transfer_check")
        #expect(transfer.decisionCases!.keys.sorted() == ["fact-checker", "summarizer"])
        #expect(def.outputParameters?["result"]?["fact-checker"] == "${hybrid_agent_transfer_fact_checker.output.result}")
    }

    @Test func multiAgentGuardrailWrapper() throws {
        let def = try Fixtures.compile("multi_guardrail")
        #expect(refs(def.tasks) == ["team_guardrail_loop"])
        let body = def.tasks[0].loopOver!
        #expect(body[0].taskReferenceName == "team_strategy" && body[0].subWorkflowParam?.workflowDefinition?.name == "team")
        #expect(def.outputParameters == ["result": "${team_strategy.output.result}"])
    }

    @Test func passthroughAndTemplates() throws {
        let pass = try Fixtures.compile("passthrough")
        #expect(pass.tasks.map(\.taskReferenceName) == ["_fw_task"] && pass.tasks[0].name == "graph_agent_worker")
        let template = try Fixtures.compile("prompt_template")
        #expect(template.tasks[0].inputParameters["instructionsTemplate"] == "support_prompt")
        #expect(template.tasks[0].inputParameters["messages"]?.arrayValue?.count == 1)
        let dynamic = try Fixtures.compile("dynamic_instructions")
        #expect(dynamic.tasks.map(\.type) == ["SIMPLE", "INLINE", "LLM_CHAT_COMPLETE"])
        #expect(dynamic.tasks[0].inputParameters["agent"] == ["name": "dynamic", "model": "openai/gpt-4o", "description": "Instructions from a worker.", "metadata": ["team": "ops"]])
    }

    @Test func requiredToolsLoop() throws {
        let def = try Fixtures.compile("required_tools")
        #expect(def.tasks[2].taskReferenceName == "filer_required_tools_loop")
        #expect(refs(def.tasks[2].loopOver!) == ["filer_loop", "filer_required_tools_check"])
        #expect(def.tasks[2].loopCondition!.contains("$.filer_required_tools_check['result'].satisfied == false"))
    }

    @Test func requiredWorkersAndTaskDefinitions() throws {
        let compiler = AgentCompiler()
        let kitchen = try Fixtures.load("kitchen_sink")
        #expect(try compiler.requiredWorkers(kitchen) == ["cb_start", "cb_model", "cb_after", "kitchen_stop", "kitchen_sink_termination", "cb_end"])
        let swarm = try Fixtures.load("swarm_hierarchical")
        let workers = try compiler.requiredWorkers(swarm)
        #expect(workers.contains("ceo_handoff_check") && workers.contains("marketing_lead_check_transfer"))
        #expect(workers.contains("coder_transfer_to_ceo"))
        let defs = compiler.taskDefinitions(try Fixtures.load("tools"))
        #expect(defs.map(\.name) == ["count", "find"])
        #expect(defs[1].responseTimeoutSeconds == 35 && defs[1].retryCount == 2)
    }

    @Test func errors() throws {
        let compiler = AgentCompiler()
        #expect(throws: CompileError.self) { try compiler.compile(AgentConfig(name: "ext", external: true)) }
        let duplicate = AgentConfig(name: "team", agents: [AgentConfig(name: "a", model: "openai/gpt-4o"), AgentConfig(name: "a", model: "openai/gpt-4o")])
        #expect(throws: CompileError("Duplicate agent names in 'team'. Each sub-agent must have a unique name.")) { try compiler.compile(duplicate) }
        let unknown = AgentConfig(name: "team", agents: [AgentConfig(name: "a", model: "openai/gpt-4o")], strategy: "circle")
        #expect(throws: CompileError("Unknown strategy: circle")) { try compiler.compile(unknown) }
        #expect(throws: CompileError("Invalid model format: 'gpt-4o'. Expected 'provider/model'.")) {
            try compiler.compile(AgentConfig(name: "x", model: "gpt-4o"))
        }
    }
}
