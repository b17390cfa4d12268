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

    @Test func everyAgentspanProviderAndMediaToolIsCheckedWithItsVariables() async throws {
        let dir = try makeTemporaryDirectory()
        try """
            name: studio
            model: google_gemini/gemini-2.0-flash
            tools:
              - {name: draw, toolType: generate_image, config: {llmProvider: stabilityai, model: sd3.5-large}}
              - {name: film, toolType: generate_video, config: {llmProvider: stabilityai, model: sd3.5-large}}
              - {name: report, toolType: generate_pdf}
            agents:
              - {name: bedrock, model: "aws_bedrock/anthropic.claude-3-haiku-20240307-v1:0", instructions: Help.}
              - {name: azure, model: azure_openai/gpt-4o, instructions: Help.}
            strategy: handoff
            """.write(toFile: dir + "/studio.yaml", atomically: true, encoding: .utf8)
        var environment: [String: String] = [:]
        for name in [
            "GEMINI_API_KEY", "GEMINI_BASE_URL", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "GOOGLE_ACCESS_TOKEN",
            "GOOGLE_VERTEX_BASE_URL", "STABILITY_API_KEY", "STABILITY_BASE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_BEDROCK_BASE_URL", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT",
            "AZURE_OPENAI_DEPLOYMENT", "AZURE_OPENAI_API_VERSION",
        ] {
            environment[name] = ""
        }
        environment["GEMINI_API_KEY"] = "gk"
        environment["AWS_ACCESS_KEY_ID"] = "AKID"
        let path = dir + "/studio.yaml"
        let (code, out) = try await doctor([path], environment: environment)
        #expect(code == 1, "\(out)")
        #expect(
            out.contains(
                "ok   \(path): model google_gemini/gemini-2.0-flash has a provider (set: GEMINI_API_KEY; not set: GEMINI_BASE_URL, "
                    + "GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION, GOOGLE_ACCESS_TOKEN, GOOGLE_VERTEX_BASE_URL)"), "\(out)")
        #expect(
            out.contains(
                "FAIL \(path): model aws_bedrock/anthropic.claude-3-haiku-20240307-v1:0: no LLM provider configured for "
                    + "\"aws_bedrock/anthropic.claude-3-haiku-20240307-v1:0\": set AWS_SECRET_ACCESS_KEY"), "\(out)")
        #expect(out.contains("FAIL \(path): model azure_openai/gpt-4o: no LLM provider configured for \"azure_openai/gpt-4o\": set AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT"), "\(out)")
        #expect(out.contains("FAIL \(path): tool draw (GENERATE_IMAGE): no LLM provider configured for \"stabilityai/sd3.5-large\": set STABILITY_API_KEY"), "\(out)")
        #expect(out.contains("FAIL \(path): tool film (GENERATE_VIDEO): stabilityai offers no video (providers that do: openai, google_gemini)"), "\(out)")
        #expect(!out.contains("tool report"), "a PDF needs no provider")
    }
}
