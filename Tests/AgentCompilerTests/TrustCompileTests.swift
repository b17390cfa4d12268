import AgentCompiler
import AgentSpec
import Foundation
import Testing
import Workflow

@Suite("Effects, lock and budget in compiled workflows")
struct TrustCompileTests {
    static func agent(_ tools: [ToolConfig], budget: BudgetConfig? = nil, model: String = "openai/gpt-4o") -> AgentConfig {
        AgentConfig(name: "ops", model: model, tools: tools, budget: budget)
    }

    static let read = ToolConfig(name: "look", run: ToolBinding(command: ["./look.sh"]), effects: .read)
    static let write = ToolConfig(name: "put", run: ToolBinding(command: ["./put.sh"]), effects: .write)
    static let destructive = ToolConfig(name: "wipe", run: ToolBinding(command: ["./wipe.sh"]), effects: .destructive)

    @Test func aDestructiveToolWaitsForApprovalAndNothingButReadsIsRetried() throws {
        let config = Self.agent([Self.read, Self.write, Self.destructive])
        let def = try AgentCompiler().compile(config)
        let tasks = Fixtures.allTasks(def.tasks)
        let check = try #require(tasks.first { $0.taskReferenceName == "ops_check_approval" }, "an approval gate")
        #expect(check.inputParameters["expression"]?.stringValue?.contains("\"wipe\"") == true)
        #expect(check.inputParameters["expression"]?.stringValue?.contains("\"put\"") == false)
        let retries = Dictionary(uniqueKeysWithValues: AgentCompiler().taskDefinitions(config).map { ($0.name, $0.retryCount) })
        #expect(retries["look"] == 2)
        #expect(retries["put"] == 0)
        #expect(retries["wipe"] == 0)
        let enrich = try #require(tasks.first { $0.taskReferenceName.hasSuffix("_enrich_tools") })
        let script = enrich.inputParameters["expression"]?.stringValue ?? ""
        #expect(script.contains("_tool_effect"))

        var approved = Self.destructive
        approved.approvalRequired = false
        let unguarded = try AgentCompiler().compile(Self.agent([approved]))
        #expect(!Fixtures.allTasks(unguarded.tasks).contains { $0.taskReferenceName == "ops_check_approval" },
                "an explicit approvalRequired: false wins")
    }

    @Test func aParallelBranchWithADestructiveToolDoesNotCompile() {
        let team = AgentConfig(name: "team", agents: [
            Self.agent([Self.read]), AgentConfig(name: "cleaner", model: "openai/gpt-4o", tools: [Self.destructive]),
        ], strategy: "parallel")
        #expect(throws: CompileError("tool 'wipe' of agent 'cleaner' is destructive and may not run in a parallel branch of 'team'")) {
            try AgentCompiler().compile(team)
        }
    }

    @Test func theCompiledWorkflowCarriesTheToolLock() throws {
        let config = Self.agent([Self.read, Self.destructive])
        #expect(try AgentCompiler().compile(config).metadata?["toolLock"] == nil, "nothing stamped, no lock")
        let locked = config.locked(baseDirectory: "/nowhere")
        let def = try AgentCompiler().compile(locked)
        let lock = try #require(def.metadata?["toolLock"])
        let expected = ToolFingerprint(tool: Self.destructive, baseDirectory: "/nowhere")
        #expect(lock["wipe"]["hash"].stringValue == expected.hash)
        #expect(lock["look"]["parts"]["argv"].stringValue == ToolFingerprint(tool: Self.read, baseDirectory: "/nowhere").parts["argv"])
    }

    @Test func aBudgetCompilesToACheckAndACleanStopBeforeTheTools() throws {
        let def = try AgentCompiler().compile(Self.agent([Self.read], budget: BudgetConfig(maxTokens: 1000, maxToolCalls: 3)))
        let loop = try #require(def.tasks.first { $0.taskReferenceName == "ops_loop" })
        let body = (loop.loopOver ?? []).map(\.taskReferenceName)
        let check = try #require(body.firstIndex(of: "ops_budget"))
        #expect(body[check + 1] == "ops_budget_set")
        #expect(body[check + 2] == "ops_budget_gate")
        #expect(body.firstIndex(of: "ops_tool_router").map { $0 > check + 2 } == true, "checked before the tools run")
        let task = try #require(loop.loopOver?.first { $0.taskReferenceName == "ops_budget" })
        #expect(task.inputParameters["limits"] == ["maxTokens": 1000, "maxToolCalls": 3])
        #expect(task.inputParameters["price"] == ["input": 2.5, "output": 10.0])
        let stop = try #require(Fixtures.allTasks(def.tasks).first { $0.taskReferenceName == "ops_budget_stop" })
        #expect(stop.inputParameters["terminationStatus"] == "COMPLETED")
        #expect(stop.inputParameters["workflowOutput"]?["finishReason"] == "BUDGET_EXHAUSTED")
    }

    @Test func aCostBudgetNeedsAPriceForTheModel() throws {
        let config = Self.agent([Self.read], budget: BudgetConfig(maxCostUSD: 1), model: "ollama/llama3")
        #expect(throws: CompileError.self) { try AgentCompiler().compile(config) }
        let prices = PriceTable.standard.merging(PriceTable(["ollama/llama3": ModelPrice(input: 0, output: 0.1)]))
        let def = try AgentCompiler(prices: prices).compile(config)
        let task = try #require(Fixtures.allTasks(def.tasks).first { $0.taskReferenceName == "ops_budget" })
        #expect(task.inputParameters["price"] == ["input": 0.0, "output": 0.1])
    }
}
