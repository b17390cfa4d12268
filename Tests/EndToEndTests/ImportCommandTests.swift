import Foundation
import TestSupport
import Testing

/// `agentspanc import` on payloads the real SDKs produced (Tests/FrameworkImportTests/Fixtures), then
/// `agentspanc validate` and `compile` on what it wrote.
@Suite struct ImportCommandTests {
    static let fixtures = TestEnvironment.packageRoot + "/Tests/FrameworkImportTests/Fixtures"

    func agentspanc(_ arguments: [String]) async throws -> (code: Int32?, stdout: String, stderr: String) {
        let process = try ChildProcess(TestEnvironment.binary, arguments, environment: ["AGENTSPAN_AUTO_START_SERVER": "false"])
        let code = await process.wait(timeout: .seconds(60))
        if code == nil { await process.kill9() }
        return (code, process.stdout, process.stderr)
    }

    /// The fixture's `rawConfig` alone, as a user would save it from `serialize_agent()`.
    func rawConfigFile(_ name: String, in directory: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.fixtures)/\(name).json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let path = "\(directory)/\(name).raw.json"
        try JSONSerialization.data(withJSONObject: try #require(document["rawConfig"])).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [("openai_handoff", "openai"), ("openai_triage", "openai"), ("adk_sequential", "google_adk"), ("adk_coordinator", "google_adk")])
    func importedSpecValidatesAndCompiles(_ name: String, _ framework: String) async throws {
        let directory = try makeTemporaryDirectory()
        let input = try rawConfigFile(name, in: directory)
        let output = "\(directory)/\(name).yaml"
        let imported = try await agentspanc(["import", input, "--from", framework, "-o", output])
        #expect(imported.code == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("wrote \(output)"), "\(imported.stderr)")
        let validated = try await agentspanc(["validate", output])
        let spec = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(validated.code == 0, "\(validated.stderr)\n\(spec)")
        let compiled = try await agentspanc(["compile", output, "--stdout"])
        #expect(compiled.code == 0, "\(compiled.stderr)")
        #expect(compiled.stdout.contains("\"name\""), "\(compiled.stdout.prefix(300))")
    }

    @Test func aWholeRequestNeedsNoFromAndPrintsTheSpec() async throws {
        let imported = try await agentspanc(["import", "\(Self.fixtures)/openai_tools.json"])
        #expect(imported.code == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("name: weather_desk\n"), "\(imported.stdout)")
        #expect(imported.stdout.contains("model: openai/gpt-4o\n"), "\(imported.stdout)")
        #expect(imported.stdout.contains("./tools/get_weather"), "\(imported.stdout)")
    }

    @Test func anUnmappableFieldIsRefusedByItsPath() async throws {
        let directory = try makeTemporaryDirectory()
        let output = "\(directory)/out.yaml"
        let refused = try await agentspanc(["import", "\(Self.fixtures)/openai_web_search.json", "-o", output])
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("rawConfig.tools[0]") && refused.stderr.contains("WebSearchTool"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "nothing is written")
        let unknown = try await agentspanc(["import", "\(Self.fixtures)/openai_tools.json", "--from", "crewai"])
        #expect(unknown.code != 0 && unknown.stderr.contains("unknown framework 'crewai'"), "\(unknown.stderr)")
    }
}
