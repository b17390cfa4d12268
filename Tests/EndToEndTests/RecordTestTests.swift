import Foundation
import TestSupport
import Testing
import Workflow

/// `agentspanc run SPEC "…" --record-test FILE` against a real OpenAI-wire model (the test double) and a real
/// command tool, then `agentspanc test FILE` offline, then `agentspanc test --update`.
@Suite(.serialized)
struct RecordTestTests {
    /// `agentspanc ARGS` run in `directory` with `environment`; (exit code, stdout, stderr).
    func agentspanc(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws -> (Int32?, String, String) {
        var env = ["HOME": directory, "AGENTSPAN_AUTO_START_SERVER": "false", "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""]
        for (key, value) in environment { env[key] = value }
        let process = try ChildProcess("/usr/bin/env", ["-C", directory, TestEnvironment.binary] + arguments, environment: env)
        let code = await process.wait(timeout: .seconds(180))
        if code == nil { await process.kill9() }
        return (code, process.stdout, process.stderr)
    }

    /// A project with a spec whose only tool is a script printing `state`.
    func project(state: String) throws -> String {
        let directory = try makeTemporaryDirectory()
        try """
            name: prober
            model: openai/gpt-4o
            instructions: Probe the target with the probe tool, then report its state.
            tools:
              - name: probe
                description: Probe a target and report its state.
                inputSchema:
                  type: object
                  properties: {target: {type: string}}
                  required: [target]
                run:
                  command: [./probe.sh, "{target}"]
                  timeoutSeconds: 10
            """.write(toFile: directory + "/prober.yaml", atomically: true, encoding: .utf8)
        try writeProbe(state: state, in: directory)
        return directory
    }

    func writeProbe(state: String, in directory: String) throws {
        let script = directory + "/probe.sh"
        try "#!/bin/sh\nprintf '{\"state\": \"\(state)\", \"target\": \"%s\"}' \"$1\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
    }

    /// Starts the OpenAI-wire double; returns its `/v1` URL and the process.
    func startModel() async throws -> (String, ChildProcess) {
        let scratch = try makeTemporaryDirectory()
        let portFile = scratch + "/port"
        let double = try ChildProcess(
            "/usr/bin/env", ["python3", PythonClients.fixtures + "/openai_double.py", portFile, scratch + "/requests.jsonl"],
            processGroup: true)
        // Generous: on a loaded machine the interpreter alone can take many seconds to start.
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                return ("http://127.0.0.1:\(port)/v1", double)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the OpenAI test double did not start within 120 s; stderr:\n\(double.stderr)")
        await double.killGroup()
        throw CancellationError()
    }

    @Test func aRecordedRunReplaysOfflineAndItsRecordedOutputsWinOverTheToolAsItIsNow() async throws {
        let directory = try project(state: "green")
        let (modelURL, model) = try await startModel()
        defer { Task { await model.killGroup() } }

        let (code, out, err) = try await agentspanc(
            ["run", "prober.yaml", "Probe the east gate.", "--record-test", "prober.test.yaml", "--test-name", "east gate probe"],
            in: directory, environment: ["OPENAI_API_KEY": "test", "OPENAI_BASE_URL": modelURL])
        try #require(code == 0, "stdout:\n\(out)\nstderr:\n\(err)")
        #expect(out.contains("Final answer:") && out.contains("green"), "the answer quotes the real tool's output: \(out)")
        #expect(err.contains("recorded case 'east gate probe' in prober.test.yaml"), "\(err)")
        let recorded = try String(contentsOfFile: directory + "/prober.test.yaml", encoding: .utf8)
        #expect(recorded.contains("recorded: true"))
        #expect(recorded.contains("cassette: \"prober.recorded.cassette.yaml\""), "\(recorded)")
        #expect(recorded.contains("\"state\":\"green\""), "the tool's real output is a fixture:\n\(recorded)")
        #expect(recorded.contains(#"{name: "probe", args: {"target":"x"}, exact: true, result: {"state":"green","target":"x"}}"#), "\(recorded)")
        #expect(FileManager.default.fileExists(atPath: directory + "/prober.recorded.cassette.yaml"))

        // Offline: no model key, no model server (stopped), the tool changed: the recording still replays and passes.
        await model.killGroup()
        let (replayCode, replay, replayErr) = try await agentspanc(["test", "prober.test.yaml"], in: directory)
        #expect(replayCode == 0, "\(replay)\n\(replayErr)")
        #expect(replay.contains("PASS  prober.test.yaml:3  east gate probe"), "\(replay)")

        try writeProbe(state: "red", in: directory)
        let (changedCode, changed, _) = try await agentspanc(["test", "prober.test.yaml"], in: directory)
        #expect(changedCode == 0, "the recorded output (green) wins over the tool's new one (red):\n\(changed)")

        // The spec's binding itself changed to a program that is not there: still the recorded output.
        let spec = directory + "/prober.yaml"
        let broken = try String(contentsOfFile: spec, encoding: .utf8)
            .replacingOccurrences(of: #"command: [./probe.sh, "{target}"]"#, with: #"command: [./missing-probe.sh, "{target}"]"#)
        #expect(broken.contains("missing-probe.sh"))
        try broken.write(toFile: spec, atomically: true, encoding: .utf8)
        let (brokenCode, brokenOut, _) = try await agentspanc(["test", "prober.test.yaml"], in: directory)
        #expect(brokenCode == 0, "the recorded output wins over a binding that cannot run now:\n\(brokenOut)")

        // The same case with the real tool instead of the recorded outputs fails: the replay above answered from them.
        let recordedCase = try String(contentsOfFile: directory + "/prober.test.yaml", encoding: .utf8)
        let tools = try #require(recordedCase.range(of: "  tools:\n")), expect = try #require(recordedCase.range(of: "  expect:\n"))
        try (String(recordedCase[..<tools.lowerBound]) + "  tools:\n    probe: {run: true}\n" + String(recordedCase[expect.lowerBound...]))
            .write(toFile: directory + "/real.test.yaml", atomically: true, encoding: .utf8)
        let (realCode, real, _) = try await agentspanc(["test", "real.test.yaml"], in: directory)
        #expect(realCode == 1, "\(real)")
        #expect(real.contains("expected tool call probe {\"target\":\"x\"} → {\"state\":\"green\""), "\(real)")
    }

    @Test func aRunThatDoesNotCompleteRecordsNothing() async throws {
        // No model server: the model call fails, the run ends FAILED.
        let directory = try project(state: "green")
        let (code, _, err) = try await agentspanc(
            ["run", "prober.yaml", "Probe the east gate.", "--record-test", "prober.test.yaml"], in: directory,
            environment: ["OPENAI_API_KEY": "test", "OPENAI_BASE_URL": "http://127.0.0.1:\(freePort())/v1"])
        #expect(code == 1)
        #expect(err.contains("the run ended FAILED") && err.contains("nothing recorded in prober.test.yaml"), "\(err)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/prober.test.yaml"))
    }

    @Test func updateRewritesOnlyTheRecordedSectionsFromARunWithTheRealTools() async throws {
        let directory = try project(state: "green")
        let (modelURL, model) = try await startModel()
        defer { Task { await model.killGroup() } }
        let (code, _, err) = try await agentspanc(
            ["run", "prober.yaml", "Probe the east gate.", "--record-test", "prober.test.yaml", "--test-name", "east gate probe"],
            in: directory, environment: ["OPENAI_API_KEY": "test", "OPENAI_BASE_URL": modelURL])
        try #require(code == 0, "\(err)")
        await model.killGroup()

        // A hand-written case and comments around the recorded one must survive the update untouched.
        let handWritten = """
            # Hand-written: the probe is never needed for a greeting.
            - name: greeting needs no probe
              prompt: Hello!
              turns:
                - {content: Hello to you.}
              expect:
                notCalled: [probe]   # keep this comment
            """
        let path = directory + "/prober.test.yaml"
        let before = try String(contentsOfFile: path, encoding: .utf8)
        try ("# Tests of prober.yaml.\n" + before + "\n" + handWritten + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        try writeProbe(state: "red", in: directory)
        let (updateCode, updated, updateErr) = try await agentspanc(["test", "prober.test.yaml", "--update"], in: directory)
        #expect(updateCode == 0, "\(updated)\n\(updateErr)")
        #expect(updated.contains("UPDATED  prober.test.yaml  east gate probe"), "\(updated)")
        #expect(updated.contains("2 case(s), 0 failed"), "\(updated)")

        let after = try String(contentsOfFile: path, encoding: .utf8)
        #expect(after.contains("\"state\":\"red\""), "the fixture now holds the tool's current output:\n\(after)")
        #expect(!after.contains("\"state\":\"green\""), "\(after)")
        #expect(after.hasPrefix("# Tests of prober.yaml.\n# Recorded by"), "\(after)")
        #expect(after.contains(handWritten), "the hand-written case and its comments are kept:\n\(after)")
        #expect(after.contains("  cassette: \"prober.recorded.cassette.yaml\"\n  recorded: true\n  tools:\n"), "\(after)")
    }
}
