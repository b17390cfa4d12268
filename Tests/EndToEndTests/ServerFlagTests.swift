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
        let (code, stderr) = try await server(["--secret", "AGENTSPANC_TEST_UNSET_SECRET=api.example.com"])
        #expect(code == 64, "\(stderr)")
        #expect(stderr.contains("--secret AGENTSPANC_TEST_UNSET_SECRET: AGENTSPANC_TEST_UNSET_SECRET is not set in the environment"))
    }

    @Test func aSecretMustNameTheHostsItMayGoTo() async throws {
        let (code, stderr) = try await server(["--secret", "WX_KEY"], environment: ["WX_KEY": "k"])
        #expect(code == 64, "\(stderr)")
        #expect(stderr.contains("--secret WX_KEY: name the hosts it may be sent to, as --secret WX_KEY=api.example.com[,HOST…]"), "\(stderr)")
        let (badHost, badHostError) = try await server(["--secret", "WX_KEY=https://api.example.com/v1"], environment: ["WX_KEY": "k"])
        #expect(badHost == 64)
        #expect(badHostError.contains("is not a host"), "\(badHostError)")
    }

    @Test func anAllowedHostMustBeAHostName() async throws {
        let (code, stderr) = try await server(["--allowed-host", "http://agents.example.com"])
        #expect(code == 64, "\(stderr)")
        #expect(stderr.contains("--allowed-host http://agents.example.com: give a host name or name:port"), "\(stderr)")
    }

    @Test func aPGVectorURLMustBeAPostgresURL() async throws {
        let (code, stderr) = try await server(["--pgvector-url", "mysql://u:hunter2@db/vectors"])
        #expect(code == 64, "\(stderr)")
        #expect(stderr.contains("--pgvector-url: the pgvector URL must look like postgres://user:password@host:5432/database"), "\(stderr)")
        #expect(!stderr.contains("hunter2"))
        let (fromEnvironment, environmentError) = try await server([], environment: ["AGENTSPANC_PGVECTOR_URL": "postgres://db/v?sslmode=maybe"])
        #expect(fromEnvironment == 64, "\(environmentError)")
        #expect(environmentError.contains("AGENTSPANC_PGVECTOR_URL: the pgvector URL's sslmode must be disable, prefer or require"))
    }

    @Test func aContextWindowTooSmallToHoldAnAnswerIsRefused() async throws {
        let (code, stderr) = try await server(["--context-window", "10"])
        #expect(code == 64, "\(stderr)")
        #expect(stderr.contains("--context-window must be at least 1000 tokens"))
    }
}
