import Foundation
import TestSupport
import Testing

/// `scripts/install` with an already built binary (`--bin`): the release build it does by default is too slow for
/// the suite; everything after the build is the same.
@Suite struct InstallTests {
    static let script = TestEnvironment.packageRoot + "/scripts/install"

    func install(_ arguments: [String]) async throws -> (Int32?, String, String) {
        let process = try ChildProcess("/bin/bash", [Self.script] + arguments)
        let code = await process.wait(timeout: .seconds(120))
        if code == nil { await process.kill9() }
        return (code, process.stdout, process.stderr)
    }

    @Test func theInstalledBinaryAnswersFromThePrefixWithCompletionsAndUnits() async throws {
        let prefix = try makeTemporaryDirectory() + "/prefix with space"
        let (code, stdout, stderr) = try await install(["--prefix", prefix, "--bin", TestEnvironment.binary])
        #expect(code == 0, "\(stdout)\n\(stderr)")
        let installed = prefix + "/bin/agentspanc"
        #expect(FileManager.default.isExecutableFile(atPath: installed))

        let version = try ChildProcess(installed, ["--version"])
        #expect(await version.wait(timeout: .seconds(30)) == 0)
        let expected = try ChildProcess(TestEnvironment.binary, ["--version"])
        _ = await expected.wait(timeout: .seconds(30))
        #expect(!version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(version.stdout == expected.stdout)
        #expect(stdout.contains("installed agentspanc \(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) as \(installed)"))

        let completions = [
            "share/bash-completion/completions/agentspanc", "share/zsh/site-functions/_agentspanc",
            "share/fish/vendor_completions.d/agentspanc.fish",
        ]
        for file in completions {
            let text = (try? String(contentsOfFile: prefix + "/" + file, encoding: .utf8)) ?? ""
            #expect(text.contains("agentspanc"), "\(file) is missing or empty")
            // The subcommands are completed too.
            #expect(text.contains("worker") && text.contains("server"), "\(file)")
        }
        for unit in ["agentspanc-server.service", "agentspanc-worker.service"] {
            let text = (try? String(contentsOfFile: prefix + "/share/doc/agentspanc/systemd/" + unit, encoding: .utf8)) ?? ""
            #expect(text.contains("ExecStart=/usr/local/bin/agentspanc"), "\(unit)")
        }
        let worker = try String(contentsOfFile: prefix + "/share/doc/agentspanc/systemd/agentspanc-worker.service", encoding: .utf8)
        #expect(worker.contains("ExecReload=/bin/kill -HUP $MAINPID"))

        // Installing again over a previous install works (the binary is replaced, not written in place).
        let (again, _, againError) = try await install(["--prefix", prefix, "--bin", TestEnvironment.binary])
        #expect(again == 0, "\(againError)")
    }

    @Test func badArgumentsAreOneLineAndInstallNothing() async throws {
        let prefix = try makeTemporaryDirectory() + "/untouched"
        let (code, _, stderr) = try await install(["--prefix", prefix, "--bogus"])
        #expect(code == 64)
        #expect(stderr == "scripts/install: unknown argument '--bogus' (see scripts/install --help)\n", "\(stderr)")
        let (missing, _, missingError) = try await install(["--prefix", prefix, "--bin", prefix + "/no-such-binary"])
        #expect(missing == 1)
        #expect(missingError.contains("is not an executable file"), "\(missingError)")
        #expect(!FileManager.default.fileExists(atPath: prefix))
    }
}
