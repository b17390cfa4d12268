import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `run`/`start` without `--server` start a background server when nothing answers at the default address.
@Suite struct AutoStartTests {
    @Test func startLaunchesABackgroundServerOnceAndOnlyWhenAllowed() async throws {
        let home = try makeTemporaryDirectory()
        let url = "http://127.0.0.1:\(freePort())"
        let spec = TestEnvironment.packageRoot + "/specs/ops_agent.yaml"
        func start(_ extra: [String: String] = [:]) async throws -> (Int32?, String, String) {
            let environment = ["HOME": home, "AGENTSPAN_SERVER_URL": url].merging(extra) { _, new in new }
            let process = try ChildProcess(TestEnvironment.binary, ["start", spec, "Check payments."], environment: environment)
            let code = await process.wait(timeout: .seconds(60))
            return (code, process.stdout, process.stderr)
        }

        // A spec that does not load starts nothing.
        let broken = try ChildProcess(
            TestEnvironment.binary, ["run", home + "/missing.yaml", "x"], environment: ["HOME": home, "AGENTSPAN_SERVER_URL": url])
        #expect(await broken.wait(timeout: .seconds(30)) == 65)
        #expect(!FileManager.default.fileExists(atPath: home + "/.agentspanc"))

        let (refusedCode, _, refused) = try await start(["AGENTSPAN_AUTO_START_SERVER": "false"])
        #expect(refusedCode != 0)
        #expect(refused.contains("connection refused (is the server running?)"), "\(refused)")

        let (code, out, err) = try await start()
        let pidText = try? String(contentsOfFile: home + "/.agentspanc/server.pid", encoding: .utf8)
        let pid = pidText.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        defer { if let pid { kill(pid, SIGKILL) } }
        #expect(code == 0, "\(err)")
        #expect(err.contains("agentspanc: started a server on \(url)"), "\(err)")
        #expect(UUID(uuidString: out.trimmingCharacters(in: .whitespacesAndNewlines)) != nil, "\(out)")
        let server = try #require(pid)
        #expect(getsid(server) == server, "the server leads its own session, out of reach of the terminal's Ctrl-C")
        #expect(FileManager.default.fileExists(atPath: home + "/.agentspanc/data/agentspanc.sqlite"))

        // The next command finds it running and starts nothing.
        let (againCode, _, again) = try await start()
        #expect(againCode == 0)
        #expect(!again.contains("started a server"))

        func control(_ command: String) async throws -> (Int32?, String) {
            let process = try ChildProcess(TestEnvironment.binary, ["server", command], environment: ["HOME": home])
            return (await process.wait(timeout: .seconds(30)), process.stdout)
        }
        let (psCode, ps) = try await control("ps")
        #expect(psCode == 0 && ps.contains("running (pid \(server)"), "\(ps)")
        let (logsCode, logs) = try await control("logs")
        #expect(logsCode == 0 && logs.contains("agentspanc server listening"), "\(logs)")
        let (stopCode, stop) = try await control("stop")
        #expect(stopCode == 0 && stop.contains("stopped (pid \(server))"), "\(stop)")
        #expect(await eventually(timeout: .seconds(10)) { processIsDead(server) }, "the background server stopped")
        let (stoppedCode, stopped) = try await control("ps")
        #expect(stoppedCode == 3 && stopped.contains("not running"), "\(stopped)")
    }
}
