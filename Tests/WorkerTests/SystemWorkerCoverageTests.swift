import AgentCompiler
import AgentSpec
import Foundation
import Testing
import Workflow
@testable import Worker

/// Every worker task a compiled workflow schedules (the compiler's `requiredWorkers`) is served by
/// `agentspanc worker` — as a system worker, a tool, or a user-code task bound with `run:` — or listed in the
/// start-up warning. Guards the names against drift between the compiler and the worker.
struct SystemWorkerCoverageTests {
    static let examples = SystemWorkerCatalogTests.examples

    func uncovered(_ config: AgentConfig) throws -> [String] {
        var tools = SpecTools()
        try tools.add(config, baseDirectory: Self.examples)
        var served = Set(tools.systemWorkers.map(\.name) + tools.userCodeWorkers.map(\.name) + tools.bound.map(\.name))
        served.formUnion(tools.userCodeTasks.map { String($0.prefix { $0 != " " }) })
        return try AgentCompiler().requiredWorkers(config).filter { !served.contains($0) }
    }

    @Test func everyExampleSpecIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.examples)
            .filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".cassette.yaml") && !$0.hasSuffix(".test.yaml") }
        #expect(files.count >= 12)
        for file in files {
            let config = try SpecLoader.load(path: "\(Self.examples)/\(file)").config
            #expect(try uncovered(config) == [], "\(file)")
        }
    }

    static let model = "openai/gpt-4o"
    static func agent(_ name: String, tools: [ToolConfig] = [], agents: [AgentConfig] = [], strategy: String? = nil) -> AgentConfig {
        AgentConfig(name: name, model: model, instructions: .string("Be \(name)."), tools: tools, agents: agents, strategy: strategy)
    }

    static let configs: [AgentConfig] = {
        let search = ToolConfig(name: "search", inputSchema: ["type": "object"])
        var toolAgent = agent("tool-agent", tools: [search])
        toolAgent.termination = TerminationConfig(type: "or", conditions: [TerminationConfig(type: "max_message", maxMessages: 3)])
        toolAgent.stopWhen = WorkerRef(taskName: "tool_agent_stop_when")
        var swarm = agent("support-team", agents: [agent("bill-ing"), agent("tech", tools: [search])], strategy: "swarm")
        swarm.termination = TerminationConfig(type: "text_mention", text: "BYE")
        let hierarchical = agent(
            "desk", agents: [agent("triage"), agent("experts", agents: [agent("db"), agent("net")], strategy: "manual")], strategy: "swarm")
        var roundRobin = agent("debate-club", agents: [agent("a"), agent("b")], strategy: "round_robin")
        roundRobin.termination = TerminationConfig(type: "stop_message", stopMessage: "END")
        let nested = agent(
            "pipeline", agents: [agent("hybrid-helper", tools: [search], agents: [agent("sum-mary")]), roundRobin], strategy: "sequential")
        return [toolAgent, swarm, hierarchical, nested]
    }()

    @Test(arguments: configs)
    func nestedAndHyphenatedTeamsAreCovered(config: AgentConfig) throws {
        #expect(try uncovered(config) == [])
    }
}
