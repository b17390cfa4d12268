import Foundation
import TestSupport
import Testing

/// Bad flags, URLs and directories, and a server that is not there, each get one plain line on stderr and a
/// non-zero exit: no usage dump, no Swift error text.
@Suite struct CLIErrorTests {
    func agentspanc(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32?, String) {
        let home = try makeTemporaryDirectory()
        let process = try ChildProcess(
            TestEnvironment.binary, arguments, environment: ["HOME": home, "AGENTSPAN_AUTO_START_SERVER": "false"].merging(environment) { _, new in new })
        let code = await process.wait(timeout: .seconds(60))
        if code == nil { await process.kill9() }
        return (code, process.stderr)
    }

    /// One line, starting `agentspanc: `, with `expected` in it.
    func expectOneSentence(_ stderr: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!text.contains("\n"), "more than one line: \(stderr)", sourceLocation: sourceLocation)
        #expect(text.hasPrefix("agentspanc: "), "\(stderr)", sourceLocation: sourceLocation)
        #expect(text.contains(expected), "\(stderr)", sourceLocation: sourceLocation)
        for debris in ["Usage:", "Error(", "Error Domain", "errno", "NIOCore", "HTTPClientError"] {
            #expect(!text.contains(debris), "\(stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func aPortOutOfRangeIsRefused() async throws {
        for port in ["99999", "0", "-1"] {
            let (code, stderr) = try await agentspanc(["server", "--port", port, "--data", try makeTemporaryDirectory()])
            #expect(code == 64, "\(port): \(stderr)")
            expectOneSentence(stderr, "--port")
        }
        let (code, stderr) = try await agentspanc(["server", "--port", "99999", "--data", try makeTemporaryDirectory()])
        #expect(code == 64)
        expectOneSentence(stderr, "--port must be between 1 and 65535, not 99999")
    }

    @Test func anUnknownOptionIsOneLine() async throws {
        let spec = TestEnvironment.packageRoot + "/specs/ops_agent.yaml"
        let (code, stderr) = try await agentspanc(["run", spec, "x", "--bogus"])
        #expect(code == 64)
        expectOneSentence(stderr, "Unknown option '--bogus'")
    }

    @Test func aServerThatIsNotAURLIsRefused() async throws {
        let spec = TestEnvironment.packageRoot + "/specs/ops_agent.yaml"
        let (code, stderr) = try await agentspanc(["run", spec, "x", "--server", "not-a-url"])
        #expect(code == 64)
        expectOneSentence(stderr, "--server not-a-url: not a server URL; give one such as http://localhost:6767")
    }

    @Test func anUnreachableServerIsOneSentence() async throws {
        let spec = TestEnvironment.packageRoot + "/specs/ops_agent.yaml"
        let url = "http://127.0.0.1:\(freePort())"
        let (code, stderr) = try await agentspanc(["start", spec, "x"], environment: ["AGENTSPAN_SERVER_URL": url])
        #expect(code != 0 && code != nil)
        expectOneSentence(stderr, "cannot connect to \(url): connection refused (is the server running?)")
        let (statusCode, status) = try await agentspanc(["status", "some-id", "--server", url])
        #expect(statusCode != 0 && statusCode != nil)
        expectOneSentence(status, "connection refused")
    }

    @Test func aDataDirectoryThatCannotBeUsedIsOneSentence() async throws {
        let file = try makeTemporaryDirectory() + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let (code, stderr) = try await agentspanc(["server", "--port", String(freePort()), "--data", file])
        #expect(code == 64)
        expectOneSentence(stderr, "--data \(file): this is a file, not a directory")
        let (nestedCode, nested) = try await agentspanc(["server", "--port", String(freePort()), "--data", file + "/data"])
        #expect(nestedCode == 64)
        expectOneSentence(nested, "--data \(file)/data: cannot create the directory")
    }
}
