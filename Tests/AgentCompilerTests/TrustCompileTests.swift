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
        let check = try #require(tasks.first { $0.taskReferenceName == "ops_destructive_check_approval" }, "an approval gate")
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
        #expect(!Fixtures.allTasks(unguarded.tasks).contains { $0.taskReferenceName.hasSuffix("check_approval") },
                "an explicit approvalRequired: false wins")
    }

    @Test func destructiveCallsOfATurnRunOneByOneInALoopAfterTheOthersFork() throws {
        let def = try AgentCompiler().compile(Self.agent([Self.read, Self.destructive]))
        let router = try #require(Fixtures.allTasks(def.tasks).first { $0.taskReferenceName == "ops_tool_router" })
        let turn = (router.decisionCases?["tool_call"] ?? []).map(\.taskReferenceName)
        #expect(turn == ["ops_split_calls", "ops_others_switch", "ops_destructive_switch"])
        let tasks = Fixtures.allTasks(def.tasks)
        let loop = try #require(tasks.first { $0.taskReferenceName == "ops_destructive_loop" })
        let body = Fixtures.allTasks(loop.loopOver ?? []).map(\.taskReferenceName)
        #expect(body.first == "ops_destructive_pick")
        #expect(body.contains("ops_destructive_approval_human"), "an approval per call, inside the loop")
        #expect(body.contains("ops_destructive_approved_fork"))
        #expect(!body.contains("ops_fork"), "the other calls are not in the loop")
        let others = try #require(tasks.first { $0.taskReferenceName == "ops_others_switch" })
        let fork = Fixtures.allTasks(others.decisionCases?["run"] ?? []).map(\.taskReferenceName)
        #expect(fork.contains("ops_fork") && !fork.contains { $0.contains("approval") }, "reads need no approval: \(fork)")
        let split = try #require(tasks.first { $0.taskReferenceName == "ops_split_calls" })
        #expect(split.inputParameters["expression"]?.stringValue?.contains("[\"wipe\"]") == true)
    }

    @Test func aParentsBudgetReachesItsSubAgentsAndIsCheckedAfterEach() throws {
        let team = AgentConfig(
            name: "team", agents: [Self.agent([Self.read]), AgentConfig(name: "writer", model: "openai/gpt-4o")],
            strategy: "sequential", budget: BudgetConfig(maxToolCalls: 5))
        let def = try AgentCompiler().compile(team)
        let steps = def.tasks.map(\.taskReferenceName)
        #expect(steps.contains("team_step_0_ops_budget") && steps.contains("team_step_1_writer_budget"), "\(steps)")
        let first = try #require(def.tasks.first { $0.taskReferenceName == "team_step_0_ops" })
        #expect(first.inputParameters["_budget_outer"]?["agent"] == "team")
        #expect(first.inputParameters["_budget_outer"]?["limits"] == ["maxToolCalls": 5])
        let ops = try #require(first.subWorkflowParam?.workflowDefinition)
        #expect(Fixtures.allTasks(ops.tasks).contains { $0.taskReferenceName == "ops_budget_gate" }, "the sub-agent checks in its loop")
        #expect(ops.outputParameters?["budgetSpent"] == "${workflow.variables._budget_spent}")
        let writer = try #require(def.tasks.first { $0.taskReferenceName == "team_step_1_writer" }?.subWorkflowParam?.workflowDefinition)
        #expect(writer.tasks.map(\.taskReferenceName).contains("writer_budget"), "a single LLM call is counted")
        #expect(def.outputParameters?["budgetSpent"] == "${workflow.variables._budget_spent}")

        let unbudgeted = try AgentCompiler().compile(AgentConfig(name: "team", agents: team.agents, strategy: "sequential"))
        #expect(!Fixtures.allTasks(unbudgeted.tasks).contains { $0.taskReferenceName.contains("budget") }, "no budget, nothing counted")
        #expect(unbudgeted.tasks.allSatisfy { $0.inputParameters["_budget_outer"] == nil })
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
