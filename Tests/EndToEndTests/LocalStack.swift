import Foundation
import TestSupport
import Testing

/// A real server process (with a cassette) and, optionally, a real worker process, on a free port.
final class LocalStack: @unchecked Sendable {
    let port: Int
    let dataDirectory: String
    /// The scripted model; nil: the server's real providers (configured from the environment).
    let cassette: String?
    private(set) var server: ChildProcess?
    private(set) var worker: ChildProcess?
    var url: String { "http://127.0.0.1:\(port)" }

    init(cassette: String? = TestEnvironment.packageRoot + "/specs/ops_agent.cassette.yaml") throws {
        port = freePort()
        dataDirectory = try makeTemporaryDirectory()
        self.cassette = cassette
    }

    /// Starts (or restarts) the server on the same port and data directory, and waits until it listens.
    func startServer() async throws {
        let server = try ChildProcess(
            TestEnvironment.binary,
            ["server", "--port", String(port), "--data", dataDirectory, "--log-level", "warning"]
                + (cassette.map { ["--llm-cassette", $0] } ?? []))
        self.server = server
        let deadline = ContinuousClock.now + .seconds(30)
        while !isListening(port) {
            guard ContinuousClock.now < deadline else {
                Issue.record("server did not listen within 30 s; stderr:\n\(server.stderr)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Starts a worker for `specs` (paths relative to the package root).
    func startWorker(_ specs: [String] = ["specs/ops_agent.yaml"], extra: [String] = []) throws {
        worker = try ChildProcess(
            TestEnvironment.binary, ["worker"] + specs.map { TestEnvironment.packageRoot + "/" + $0 } + ["--server", url] + extra)
    }

    /// Runs a CLI command to completion and returns (exit code, stdout, stderr).
    func cli(_ arguments: [String], timeout: Duration = .seconds(90)) async throws -> (Int32?, String, String) {
        let absolute = arguments.map { $0.hasPrefix("specs/") ? TestEnvironment.packageRoot + "/" + $0 : $0 }
        let process = try ChildProcess(TestEnvironment.binary, absolute + ["--server", url])
        let code = await process.wait(timeout: timeout)
        if code == nil { await process.kill9() }
        return (code, process.stdout, process.stderr)
    }

    func stopAll() async {
        await worker?.terminate()
        await server?.terminate()
    }
}
