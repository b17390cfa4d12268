import AgentSpec
import Foundation
import Testing
import Workflow

/// The loader writes each agent's source map as JSON directly; it must be what `JSONEncoder` writes, because the
/// config reads it back with `Codable` and compiled output must not change.
@Suite("Source map JSON")
struct SourceMapJSONTests {
    @Test func aFullMapIsWhatTheEncoderWrites() throws {
        let at = { (line: Int) in SpecLocation(file: "agents/x.yaml", line: line, column: 3) }
        let map = AgentSourceMap(
            directory: "/repo/specs", agent: at(1), model: at(2), tools: ["a": at(4), "b": at(9).with(kind: .tool)],
            guardrails: ["pii": at(12)], gate: at(20), handoffs: at(21), router: at(22))
        #expect(map.jsonValue == (try JSONValue.from(map)))
        #expect(try map.jsonValue.decode(AgentSourceMap.self) == map)
    }

    @Test func nilMembersAreLeftOutAsTheEncoderDoes() throws {
        let map = AgentSourceMap(agent: SpecLocation(file: "ops.yaml", line: 1, column: 1))
        #expect(map.jsonValue == (try JSONValue.from(map)))
        #expect(map.jsonValue.objectValue?["model"] == nil)
        #expect(map.jsonValue.objectValue?["agent"]?.objectValue?["kind"] == nil)
    }

    @Test func aLoadedSpecCarriesItsLocations() throws {
        let spec = try SpecLoader.load(source: "name: ops\nmodel: openai/gpt-4o\ninstructions: hi\n", path: "ops.yaml")
        let map = try #require(spec.config.sourceMap)
        #expect(map.agent.line == 1)
        #expect(map.model?.line == 2)
        #expect(map.model?.column == 8)
    }
}

@Suite("Workflow source map JSON")
struct WorkflowSourceMapJSONTests {
    @Test func isWhatTheEncoderWrites() throws {
        let location = SpecLocation(file: "ops.yaml", line: 4, column: 5, kind: .tool)
        for map in [
            WorkflowSourceMap(tasks: ["ops_llm": location.with(kind: .llm)], tools: ["check": location]),
            WorkflowSourceMap(directory: "/repo", tasks: [:], tools: [:]),
        ] {
            #expect(map.jsonValue == (try JSONValue.from(map)))
            #expect(WorkflowSourceMap(metadata: [WorkflowSourceMap.metadataKey: map.jsonValue]) == map)
        }
    }
}
