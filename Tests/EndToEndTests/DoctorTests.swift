import Foundation
import TestSupport
import Testing

/// `agentspanc doctor` names what a run would miss and how to fix it.
@Suite struct DoctorTests {
    func doctor(_ arguments: [String], environment: [String: String]) async throws -> (Int32?, String) {
        let process = try ChildProcess(
            TestEnvironment.binary, ["doctor"] + arguments + ["--server", "http://127.0.0.1:\(freePort())"], environment: environment)
        return (await process.wait(timeout: .seconds(30)), process.stdout)
    }

    @Test func missingKeysAndProgramsAreNamedWithTheirFix() async throws {
        let dir = try makeTemporaryDirectory()
        try """
            name: broken
            model: anthropic/claude-sonnet-4
            tools:
              - {name: gone, run: {command: [./tools/gone.sh]}}
              - {name: listed, run: {command: [definitely-not-installed-agentspanc]}}
              - {name: fine, run: {command: [sh, -c, "true"]}}
            """.write(toFile: dir + "/broken.yaml", atomically: true, encoding: .utf8)
        let noKeys = ["ANTHROPIC_API_KEY": "", "ANTHROPIC_BASE_URL": "", "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""]
        let (code, out) = try await doctor([dir + "/broken.yaml"], environment: noKeys)
        #expect(code == 1, "\(out)")
        #expect(out.contains("note server: nothing answers at"))
        #expect(out.contains("FAIL \(dir)/broken.yaml: model anthropic/claude-sonnet-4: no LLM provider configured") && out.contains("set ANTHROPIC_API_KEY"), "\(out)")
        #expect(out.contains("FAIL \(dir)/broken.yaml: tool gone: \(dir)/tools/gone.sh is missing or not executable"), "\(out)")
        #expect(out.contains("FAIL \(dir)/broken.yaml: tool listed: definitely-not-installed-agentspanc is not on PATH"), "\(out)")
        #expect(out.contains("ok   \(dir)/broken.yaml: tool fine: runs sh"), "\(out)")

        let spec = TestEnvironment.packageRoot + "/specs/ops_agent.yaml"
        let (fineCode, fine) = try await doctor([spec], environment: ["OPENAI_API_KEY": "sk-test"])
        #expect(fineCode == 0, "\(fine)")
        #expect(fine.contains("ok   \(spec): model openai/gpt-4o has a provider"))
        #expect(!fine.contains("FAIL"))
    }
}
