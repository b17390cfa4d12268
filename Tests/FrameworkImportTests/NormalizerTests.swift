import AgentCompiler
import AgentSpec
import FrameworkImport
import Testing
import Workflow

/// The normalisers on payloads the real SDKs produced (Fixtures/): what maps, and what is refused with its path.
struct NormalizerTests {
    private func normalize(_ name: String) throws -> AgentConfig {
        let fixture = try FrameworkFixture(name)
        return try FrameworkImporter.normalize(framework: fixture.framework, rawConfig: fixture.rawConfig)
    }

    private func refusal(_ name: String) throws -> FrameworkImportError {
        let fixture = try FrameworkFixture(name)
        do {
            let config = try FrameworkImporter.normalize(framework: fixture.framework, rawConfig: fixture.rawConfig)
            Issue.record("\(name) was accepted: \(config)")
            return FrameworkImportError(path: "", "accepted")
        } catch {
            return error
        }
    }

    @Test func openAIHandoffsToolsAndModelSettings() throws {
        let config = try normalize("openai_handoff")
        #expect(config.name == "front_desk")
        #expect(config.model == "openai/gpt-4o-mini")
        #expect(config.instructions == "Answer weather questions; hand billing to billing.")
        #expect(config.temperature == 0.2 && config.maxTokens == 500)
        #expect(config.tools.map(\.name) == ["get_weather"])
        #expect(config.tools[0].toolType == "worker")
        #expect(config.tools[0].inputSchema?["required"] == ["city"])
        #expect(config.strategy == "handoff")
        let billing = try #require(config.agents.first)
        #expect(billing.name == "billing" && billing.description == "Billing questions")
        #expect(billing.tools.map(\.name) == ["lookup_invoice"])
    }

    @Test func openAIOutputTypeBecomesTheSchema() throws {
        let config = try normalize("openai_output_type")
        #expect(config.model == "openai/gpt-4o")
        #expect(config.outputType?.className == "Forecast")
        #expect(config.outputType?.schema?["required"] == ["city", "summary"])
    }

    @Test func openAIAgentAsToolRunsTheAgent() throws {
        let config = try normalize("openai_agent_tool")
        let tool = try #require(config.tools.first)
        #expect(tool.name == "translate" && tool.toolType == "agent_tool")
        #expect(tool.description == "Translate text to French")
        #expect(tool.config?["agentConfig"]?["name"] == "translator")
        #expect(tool.config?["agentConfig"]?["model"] == "openai/gpt-4o-mini")
    }

    @Test func openAIRefusalsNameTheField() throws {
        let search = try refusal("openai_web_search")
        #expect(search.path == "rawConfig.tools[0]" && search.message.contains("WebSearchTool"), "\(search)")
        let guardrail = try refusal("openai_input_guardrail")
        #expect(guardrail.path == "rawConfig.input_guardrails", "\(guardrail)")
        let sampling = try refusal("openai_top_p")
        #expect(sampling.path == "rawConfig.model_settings.top_p" && sampling.message.contains("0.5"), "\(sampling)")
    }

    @Test func adkSequentialPipeline() throws {
        let config = try normalize("adk_sequential")
        #expect(config.strategy == "sequential" && config.model == nil)
        #expect(config.agents.map(\.name) == ["researcher", "writer"])
        let researcher = config.agents[0]
        #expect(researcher.model == "google_gemini/gemini-2.0-flash")
        #expect(researcher.instructions == "Find the facts.")
        #expect(researcher.description == "Finds facts")
        #expect(researcher.tools.map(\.name) == ["get_weather"])
        #expect(researcher.metadata?["output_key"] == "facts")
    }

    @Test func adkParallelAndLoop() throws {
        let panel = try normalize("adk_parallel")
        #expect(panel.strategy == "parallel" && panel.agents.map(\.name) == ["east", "west"])
        let loop = try normalize("adk_loop")
        #expect(loop.strategy == "round_robin")
        #expect(loop.maxTurns == 6, "3 iterations of 2 agents")
        let unbounded = try refusal("adk_loop_unbounded")
        #expect(unbounded.path == "rawConfig.max_iterations", "\(unbounded)")
    }

    @Test func adkCoordinatorTransfersToSubAgents() throws {
        let config = try normalize("adk_coordinator")
        #expect(config.model == "google_gemini/gemini-2.5-flash")
        #expect(config.instructions == "Be polite.\n\nRoute the customer.")
        #expect(config.strategy == "handoff")
        // Sub-agents without a model use their parent's, as ADK resolves them.
        #expect(config.agents.map(\.model) == ["google_gemini/gemini-2.5-flash", "google_gemini/gemini-2.5-flash"])
        #expect(config.allowedTransitions == ["billing": ["coordinator"]])
    }

    @Test func adkAgentToolAndBuiltInSearch() throws {
        let config = try normalize("adk_agent_tool")
        #expect(config.tools.map(\.name) == ["summarizer", "get_weather"])
        #expect(config.tools.map(\.toolType) == ["agent_tool", "worker"])
        #expect(config.tools[0].config?["agentConfig"]?["instructions"] == "Summarise.")
        let search = try refusal("adk_google_search")
        #expect(search.path == "rawConfig.tools[0]" && search.message.contains("GoogleSearchTool"), "\(search)")
    }

    @Test func langGraphShapes() throws {
        let extracted = try normalize("langgraph_create_agent")
        #expect(extracted.model == "openai/gpt-4o-mini" && extracted.instructions == "Answer weather questions.")
        #expect(extracted.tools.map(\.name) == ["weather"])
        let passthrough = try normalize("langgraph_passthrough")
        #expect(passthrough.metadata?["_framework_passthrough"] == true)
        #expect(passthrough.tools.map(\.name) == ["lg_memory"])
        let graph = try normalize("langgraph_graph")
        let structure = try #require(graph.metadata?["_graph_structure"])
        #expect(structure["nodes"].arrayValue?.compactMap { $0["_worker_ref"].stringValue } == ["lg_shouter_shout", "lg_shouter_exclaim"])
        #expect(structure["input_key"] == "text")
        // Every function the SDK serves for a graph is a worker tool, so the server registers its task definition.
        let branching = try normalize("langgraph_conditional")
        #expect(branching.tools.map(\.name) == ["lg_branching_shout", "lg_branching_exclaim", "lg_branching_shout_router"])
    }

    /// A linear graph is one SIMPLE task per node in edge order, each passing the state on (§17.2).
    @Test func linearGraphCompilesToOneTaskPerNode() throws {
        let def = try AgentCompiler().compile(try normalize("langgraph_graph"))
        #expect(def.tasks.map(\.type) == ["SIMPLE", "SIMPLE"])
        #expect(def.tasks.map(\.name) == ["lg_shouter_shout", "lg_shouter_exclaim"])
        #expect(def.tasks[0].inputParameters["state"] == ["text": "${workflow.input.prompt}"])
        #expect(def.tasks[1].inputParameters["state"] == "${lg_shouter_shout.output.state}")
        #expect(def.outputParameters?["result"] == "${lg_shouter_exclaim.output.result}")
        #expect(def.metadata?["_graph_workflow"] == true)
    }

    @Test func openAITriageHandsOffToAgentsWithTools() throws {
        let config = try normalize("openai_triage")
        #expect(config.tools.isEmpty && config.strategy == "handoff")
        #expect(config.agents.map(\.name) == ["billing", "weather"])
        #expect(config.agents.map(\.description) == ["Billing questions", "Weather questions"])
        #expect(config.agents.map { $0.tools.map(\.name) } == [["lookup_invoice"], ["get_weather"]])
    }

    /// An agent with tools and handoffs is a hybrid agent: it needs transfer workers the SDK does not serve (the
    /// server refuses it; a spec served by `agentspanc worker` has them).
    @Test func openAIToolsAndHandoffsMakeAHybridAgent() throws {
        let config = try normalize("openai_handoff")
        let compiler = AgentCompiler()
        let required = compiler.requiredWorkers(of: try compiler.compile(config), config: config)
        #expect(required == ["front_desk_check_transfer", "front_desk_transfer_to_billing"])
    }

    /// Every accepted fixture but the hybrid one compiles, and each task its workflow hands to a worker is one the
    /// SDK serves.
    @Test(arguments: FrameworkFixture.all)
    func acceptedFixturesCompileAndNeedOnlyTheSDKsWorkers(_ name: String) throws {
        let fixture = try FrameworkFixture(name)
        guard name != "openai_handoff",
            let config = try? FrameworkImporter.normalize(framework: fixture.framework, rawConfig: fixture.rawConfig)
        else { return }
        let compiler = AgentCompiler()
        let def = try compiler.compile(config)
        #expect(!def.tasks.isEmpty)
        let workerTools = Set(Self.workerTools(config))
        #expect(workerTools.isSubset(of: Set(fixture.workers)), "\(name): \(workerTools) vs SDK workers \(fixture.workers)")
        for required in compiler.requiredWorkers(of: def, config: config) {
            #expect(fixture.workers.contains(required), "\(name): requiredWorkers has \(required)")
        }
    }

    private static func workerTools(_ config: AgentConfig) -> [String] {
        config.tools.filter { $0.effectiveType == "worker" }.map(\.name) + config.agents.flatMap(workerTools)
    }

    @Test func unknownFrameworkAndNonObjects() {
        #expect(throws: FrameworkImportError(path: "framework", "unknown framework 'crewai'; expected one of openai, google_adk, langchain, langgraph, claude_agent_sdk, vercel_ai, skill")) {
            try FrameworkImporter.normalize(framework: "crewai", rawConfig: [:])
        }
        #expect(throws: FrameworkImportError(path: "rawConfig", "expected an object, found a list")) {
            try FrameworkImporter.normalize(framework: "openai", rawConfig: [])
        }
        #expect(throws: FrameworkImportError(path: "rawConfig.name", "an agent needs a name")) {
            try FrameworkImporter.normalize(framework: "google_adk", rawConfig: ["instruction": "x"])
        }
    }
}
