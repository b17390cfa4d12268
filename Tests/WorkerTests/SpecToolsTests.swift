import AgentSpec
import Foundation
import TestSupport
import Testing
import Workflow
@testable import Worker

@Suite struct SpecToolsTests {
    @Test func collectsBoundWorkerToolsThroughSubAgentsAndWarnsAboutUnboundOnes() throws {
        let spec = try SpecLoader.load(source: """
            name: lead
            model: openai/gpt-4o
            instructions: Lead.
            strategy: handoff
            tools:
              - name: check_service
                description: Check a service.
                timeoutSeconds: 12
                inputSchema: {type: object, properties: {service_name: {type: string}}}
                run:
                  command: [./tools/check.sh, "{service_name}"]
              - name: lookup
                description: Served by another process.
            agents:
              - name: helper
                model: openai/gpt-4o
                instructions: Help.
                tools:
                  - name: word_count
                    description: Count words.
                    run: {plugin: ./plugins/example}
            """, path: "/specs/lead.yaml")
        var tools = SpecTools()
        try tools.add(spec.config, baseDirectory: "/specs")
        #expect(tools.bound.map(\.name) == ["check_service", "word_count"])
        #expect(tools.unbound == ["lead/lookup"])
        let check = try #require(tools.bound.first)
        #expect(check.binding.timeoutSeconds == 12)
        #expect(check.baseDirectory == "/specs")
        #expect(check.description == "Check a service.")

        // The same spec twice (a shared sub-agent) is fine; a different tool with the same name is not.
        try tools.add(spec.config, baseDirectory: "/specs")
        #expect(tools.bound.count == 2)
        #expect(throws: WorkerConfigurationError.self) { try tools.add(spec.config, baseDirectory: "/elsewhere") }
    }

    @Test func toolsOfAReferencedFileRunFromThatFilesDirectory() async throws {
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "agents/tools/where.py", """
            #!/usr/bin/env python3
            import json, os, sys
            print(json.dumps({"cwd": os.getcwd(), "program": os.path.realpath(sys.argv[0]), "arg": sys.argv[1]}))
            """)
        try writeScript(dir, "agents/researcher.yaml", """
            name: researcher
            model: openai/gpt-4o
            tools:
              - {name: where, inputSchema: {type: object, properties: {q: {type: string}}}, run: {command: [./tools/where.py, "{q}"]}}
            """)
        try writeScript(dir, "team.yaml", "name: team\nstrategy: sequential\nagents:\n  - ref: agents/researcher.yaml\n")
        let spec = try SpecLoader.load(path: dir + "/team.yaml")
        var tools = SpecTools()
        try tools.add(spec.config, baseDirectory: dir)
        let tool = try CommandTool(try #require(tools.bound.first))
        let outcome = await tool.execute(ToolInvocation(
            input: ["q": "x"], taskID: "t", executionID: "e", toolName: "where", referenceTaskName: "where_1"))
        #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
        let agents = URL(fileURLWithPath: dir + "/agents").resolvingSymlinksInPath().path
        #expect(outcome.output["cwd"]?.stringValue.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } == agents)
        #expect(outcome.output["program"]?.stringValue.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } == agents + "/tools/where.py")
        #expect(outcome.output["arg"] == "x")
    }
}
