import AgentSpec
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
}
