import AgentSpec
import Foundation
import Testing
import Workflow

@testable import AgentCompiler
@testable import Engine

/// Nothing the compiler emits waits for a worker nobody runs: every task type in a compiled workflow, and every
/// type the agent loop creates at run time for a tool call, is one the engine executes itself — except SIMPLE
/// worker tasks, which `SystemWorkerCoverageTests` shows `agentspanc worker` serves.
@Suite struct TaskTypeCoverageTests {
    /// Task types a compiled workflow holds, nested tasks and inline sub-workflows included.
    static func types(_ tasks: [WorkflowTask], into found: inout Set<String>) {
        for task in tasks {
            found.insert(task.type)
            types(task.loopOver ?? [], into: &found)
            types(task.defaultCase ?? [], into: &found)
            for branch in (task.decisionCases ?? [:]).values { types(branch, into: &found) }
            for branch in task.forkTasks ?? [] { types(branch, into: &found) }
            if let inline = task.subWorkflowParam?.workflowDefinition { types(inline.tasks, into: &found) }
        }
    }

    @Test func everyStaticTaskTypeOfEveryCompiledSpecRunsInTheEngine() throws {
        var found: Set<String> = []
        var compiled = 0
        for file in CompiledScriptTests.specFiles() {
            guard let spec = try? SpecLoader.load(path: file), let def = try? AgentCompiler().compile(spec.config) else { continue }
            compiled += 1
            Self.types(def.tasks, into: &found)
        }
        #expect(compiled >= 40, "the corpus compiled")
        let unexecuted = found.filter { $0 != "SIMPLE" && TaskKind($0) == .worker }.sorted()
        #expect(unexecuted.isEmpty, "compiled task types no executor runs: \(unexecuted)")
        #expect(found.contains("DO_WHILE") && found.contains("LLM_CHAT_COMPLETE") && found.contains("FORK_JOIN_DYNAMIC"))
    }

    @Test(arguments: SpecSchema.toolTypes)
    func theTaskATooLCallBecomesRunsInTheEngineOrIsServedByTheWorker(_ toolType: String) throws {
        let tool = ToolConfig(name: "t", toolType: toolType, config: toolType == "agent_tool" ? ["workflowName": "child_wf"] : [:])
        let tables = ToolCatalog.tables([tool])
        // The type the enrich script gives the dynamic task of a call (Scripts+Tools.swift).
        let type: String
        switch toolType {
        case "http", "api": type = "HTTP"
        case "mcp": type = "CALL_MCP_TOOL"
        case "agent_tool": type = "SUB_WORKFLOW"
        case "human": type = "HUMAN"
        case "pull_workflow_messages": type = "PULL_WORKFLOW_MESSAGES"
        case "worker", "cli": type = "SIMPLE"
        default:
            type = try #require((tables.media["t"] ?? tables.rag["t"])?["taskType"].stringValue, "\(toolType) has no task type")
        }
        if type == "SIMPLE" {
            #expect(["worker", "cli"].contains(toolType))
        } else {
            #expect(TaskKind(type) != .worker, "\(toolType) becomes \(type), which no executor runs")
        }
    }
}
