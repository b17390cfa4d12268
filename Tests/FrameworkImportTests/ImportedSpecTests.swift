import AgentCompiler
import AgentSpec
import Foundation
import FrameworkImport
import Testing
import Workflow

/// Imported agents written as spec files: they load with the strict spec loader and compile.
struct ImportedSpecTests {
    private func spec(_ name: String) throws -> (ImportedSpec, LoadedSpec) {
        let fixture = try FrameworkFixture(name)
        let framework = try #require(Framework(rawValue: fixture.framework))
        let imported = ImportedSpec(try FrameworkImporter.normalize(framework, rawConfig: fixture.rawConfig), framework: framework)
        let yaml = try imported.yamlText(source: name + ".json")
        let path = NSTemporaryDirectory() + "import-\(name)-\(UUID().uuidString).yaml"
        let loaded = try SpecLoader.load(source: yaml, path: path)
        return (imported, loaded)
    }

    @Test(arguments: ["openai_handoff", "openai_tools", "openai_triage", "openai_output_type", "openai_agent_tool", "adk_sequential", "adk_loop", "adk_coordinator", "adk_agent_tool"])
    func importedSpecLoadsAndCompiles(_ name: String) throws {
        let (imported, loaded) = try spec(name)
        #expect(loaded.config.name == imported.config.name)
        _ = try AgentCompiler().compile(loaded.config)
    }

    @Test func toolsGetRunPlaceholders() throws {
        let (imported, loaded) = try spec("openai_handoff")
        #expect(imported.placeholderTools == ["get_weather", "lookup_invoice"])
        let tool = try #require(loaded.config.tools.first)
        #expect(tool.run?.command == ["./tools/get_weather"])
        #expect(tool.run?.stdin == .json)
        #expect(loaded.config.agents.first?.tools.first?.run?.command == ["./tools/lookup_invoice"])
        #expect(loaded.source.hasPrefix("# Imported from the openai agent openai_handoff.json"))
        #expect(loaded.source.contains("\nname: front_desk\n"))
    }

    @Test func sameYAMLEveryTime() throws {
        let fixture = try FrameworkFixture("adk_coordinator")
        let config = try FrameworkImporter.normalize(.googleADK, rawConfig: fixture.rawConfig)
        let texts = try (0..<3).map { _ in try ImportedSpec(config, framework: .googleADK).yamlText(source: "x.json") }
        #expect(Set(texts).count == 1)
    }
}
