import Foundation
import TestSupport
import Testing

/// A real server process (with a cassette) and, optionally, a real worker process, on a free port.
final class LocalStack: @unchecked Sendable {
    /// Chosen free at creation; chosen again when another process took it before the first start bound it.
    private(set) var port: Int
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
    ///
    /// "Something listens on the port" is not proof enough: a free port can be taken by another test's server
    /// between choosing it and binding it, and this stack would then talk to that server. The server must also
    /// still be running a moment after the port answers; on its first start a lost port is chosen again.
    func startServer() async throws {
        let firstStart = server == nil
        for attempt in 1...5 {
            let server = try ChildProcess(
                TestEnvironment.binary,
                ["server", "--port", String(port), "--data", dataDirectory, "--log-level", "warning"]
                    + (cassette.map { ["--llm-cassette", $0] } ?? []))
            self.server = server
            let deadline = ContinuousClock.now + .seconds(30)
            var exited: Int32?
            while exited == nil, !isListening(port) {
                guard ContinuousClock.now < deadline else {
                    Issue.record("server did not listen within 30 s; stderr:\n\(server.stderr)")
                    throw CancellationError()
                }
                exited = await server.wait(timeout: .milliseconds(50))
            }
            if exited == nil { exited = await server.wait(timeout: .milliseconds(300)) }
            guard let code = exited else { return }
            guard firstStart, attempt < 5 else {
                Issue.record("server exited with \(code) instead of listening on \(port); stderr:\n\(server.stderr)")
                throw CancellationError()
            }
            port = freePort()
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
