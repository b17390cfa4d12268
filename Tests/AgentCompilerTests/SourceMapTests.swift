import AgentCompiler
import AgentSpec
import Foundation
import Testing
import Workflow

/// `metadata.sourceMap`: every task the spec caused points at the line that caused it, a `ref:` sub-agent's tasks
/// at the referenced file.
@Suite("Source map")
struct SourceMapTests {
    static let root = """
        name: desk
        model: openai/gpt-4o
        instructions: Route the customer.
        agents:
          - ref: agents/billing.yaml
          - name: tech
            model: openai/gpt-4o-mini
            instructions: Fix it.
        """
    static let billing = """
        name: billing
        model: anthropic/claude-sonnet-4-20250514
        instructions: Handle invoices.
        tools:
          - name: refund
            description: Refund an invoice.
            inputSchema: {type: object, properties: {invoice: {type: string}}}
        guardrails:
          - name: no_card_numbers
            guardrailType: regex
            patterns: ["[0-9]{16}"]
            onFail: retry
        """

    /// The spec files in a fresh directory; returns the top-level spec's path.
    static func write() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sourcemap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("agents"), withIntermediateDirectories: true)
        try root.write(to: directory.appendingPathComponent("desk.yaml"), atomically: true, encoding: .utf8)
        try billing.write(to: directory.appendingPathComponent("agents/billing.yaml"), atomically: true, encoding: .utf8)
        return directory.appendingPathComponent("desk.yaml").path
    }

    static func map(_ def: WorkflowDef) throws -> WorkflowSourceMap {
        try #require(WorkflowSourceMap(metadata: def.metadata), "no metadata.sourceMap in \(def.name)")
    }

    static func inline(_ def: WorkflowDef, named name: String) -> WorkflowDef? {
        Fixtures.allTasks(def.tasks).compactMap { $0.subWorkflowParam?.workflowDefinition }.first { $0.name == name }
    }

    @Test func tasksPointAtTheirLinesAndARefSubAgentAtItsOwnFile() throws {
        let path = try Self.write()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let def = try AgentCompiler().compile(SpecLoader.load(path: path).config)

        let top = try Self.map(def)
        #expect(top.directory == nil, "the compiler adds no machine-specific directory")
        // The root's own LLM turns: its `model:` value (line 2, column 8).
        let llm = try #require(top.tasks.first { $0.value.kind == .llm }?.value)
        #expect(llm == SpecLocation(file: "desk.yaml", line: 2, column: 8, kind: .llm))
        // The sub-workflow running billing: the agent in the referenced file.
        let billingTask = try #require(Fixtures.allTasks(def.tasks).first { $0.type == "SUB_WORKFLOW" && $0.subWorkflowParam?.name == "billing" })
        #expect(top.tasks[billingTask.taskReferenceName] == SpecLocation(file: "agents/billing.yaml", line: 1, column: 1, kind: .agent))
        // The inline sub-agent written in the same file: its entry in `agents:` (line 6, column 5).
        let techTask = try #require(Fixtures.allTasks(def.tasks).first { $0.type == "SUB_WORKFLOW" && $0.subWorkflowParam?.name == "tech" })
        #expect(top.tasks[techTask.taskReferenceName] == SpecLocation(file: "desk.yaml", line: 6, column: 5, kind: .agent))
        // Every task of the root workflow is mapped.
        let unmapped = def.tasks.map(\.taskReferenceName).filter { top.tasks[$0] == nil }
        #expect(unmapped.isEmpty, "\(unmapped)")

        // billing's own workflow has its own map, in agents/billing.yaml.
        let billingDef = try #require(Self.inline(def, named: "billing"))
        let billingMap = try Self.map(billingDef)
        #expect(billingMap.tasks["billing_llm"] == SpecLocation(file: "agents/billing.yaml", line: 2, column: 8, kind: .llm))
        #expect(billingMap.tools["refund"] == SpecLocation(file: "agents/billing.yaml", line: 5, column: 5, kind: .tool))
        let guardrail = try #require(billingMap.tasks.first { $0.key.contains("guardrail_no_card_numbers") }?.value)
        #expect(guardrail == SpecLocation(file: "agents/billing.yaml", line: 9, column: 5, kind: .guardrail))
        // A dynamic tool task (its reference name is made at run time) is found by its tool name.
        #expect(billingMap.location(referenceName: "call_8f2a__2", toolName: "refund")?.line == 5)
    }

    @Test func aDeployingClientAnchorsTheFilesAtTheSpecsDirectory() throws {
        let path = try Self.write()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try SpecLoader.load(path: path).config.withSourceDirectory(directory)
        let def = try AgentCompiler().compile(config)
        let billing = try Self.map(try #require(Self.inline(def, named: "billing")))
        let location = try #require(billing.location(referenceName: "billing_llm__3", toolName: nil))
        #expect(location.file == directory + "/agents/billing.yaml")
        #expect(location.displayPath(relativeTo: directory) == "agents/billing.yaml")
        #expect(location.displayPath(relativeTo: directory + "/agents") == "billing.yaml")
        #expect(location.displayPath(relativeTo: directory + "/elsewhere") == "../agents/billing.yaml")
        #expect(location.diagnostic("boom", relativeTo: directory) == "agents/billing.yaml:2:8: error: boom")
    }

    @Test func theRecordedAgentDefinitionCarriesNoLocations() throws {
        let path = try Self.write()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let def = try AgentCompiler().compile(SpecLoader.load(path: path).config)
        let recorded: String = def.metadata?["agentDef"].map { $0.jsonText() } ?? ""
        #expect(recorded.contains("desk"))
        #expect(!recorded.contains("_sourceMap"))
    }

    @Test func aSpecWritingTheKeyItselfIsRefused() {
        #expect(throws: SpecError.self) {
            try SpecLoader.load(source: "name: a\nmodel: openai/gpt-4o\n_sourceMap: {}\n", path: "a.yaml")
        }
    }
}
