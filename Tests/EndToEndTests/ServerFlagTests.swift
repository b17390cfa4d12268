import Foundation
import TestSupport
import Testing

/// `agentspanc server` refuses settings it cannot honour before it binds anything.
@Suite struct ServerFlagTests {
    func server(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32?, String) {
        let data = try makeTemporaryDirectory()
        let process = try ChildProcess(
            TestEnvironment.binary, ["server", "--port", String(freePort()), "--data", data] + arguments, environment: environment)
        let code = await process.wait(timeout: .seconds(30))
        if code == nil { await process.kill9() }
        return (code, process.stderr)
    }

    @Test func aSecretMustBeSetInTheEnvironment() async throws {
        let (code, stderr) = try await server(["--secret", "AGENTSPANC_TEST_UNSET_SECRET"])
        #expect(code == 64, "\(stderr)")
        #expect(stderr.contains("--secret AGENTSPANC_TEST_UNSET_SECRET: AGENTSPANC_TEST_UNSET_SECRET is not set in the environment"))
    }

    @Test func aContextWindowTooSmallToHoldAnAnswerIsRefused() async throws {
        let (code, stderr) = try await server(["--context-window", "10"])
        #expect(code == 64, "\(stderr)")
        #expect(stderr.contains("--context-window must be at least 1000 tokens"))
    }
}
