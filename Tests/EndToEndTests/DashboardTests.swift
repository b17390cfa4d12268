import Foundation
import TestSupport
import Testing

/// The dashboard in a real browser: headless Chromium driven by selenium (`Fixtures/dashboard/dashboard_browser.py`)
/// against a real `agentspanc server` with a cassette model and a real tool worker. Each test runs one scenario of the
/// script, which checks what the page shows and does and writes screenshots (their folder is printed).
@Suite(.serialized)
struct DashboardTests {
    static let fixtures = "Tests/EndToEndTests/Fixtures/dashboard"
    static let quickCheck = "Tests/EndToEndTests/Fixtures/quick_check.yaml"
    static let approval = "Tests/EndToEndTests/Fixtures/ops_approval.yaml"
    static let manual = "specs/examples/manual.yaml"
    static let failingTeam = fixtures + "/failing_team.yaml"
    static let budgetProbe = fixtures + "/budget_probe.yaml"
    /// Where the scenarios write their screenshots (`$DASHBOARD_SCREENSHOTS`, else under `.build`).
    static let screenshots: String = {
        ProcessInfo.processInfo.environment["DASHBOARD_SCREENSHOTS"]
            ?? TestEnvironment.packageRoot + "/.build/dashboard-screenshots"
    }()

    /// A server with the dashboard cassette (and `extra` flags) and a worker for the quick check, approval, manual and
    /// failing-team agents (the strategies' system tasks run on it too).
    static func stack(extra: [String] = []) async throws -> DashboardStack {
        let stack = try DashboardStack(
            cassette: TestEnvironment.packageRoot + "/" + fixtures + "/dashboard.cassette.yaml", serverArguments: extra)
        try await stack.startServer()
        try stack.startWorker([quickCheck, approval, manual, failingTeam, budgetProbe])
        return stack
    }

    @Test func listShowsAFinishedRunAndANewRunAppearsAndCompletesLive() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let finished = try await stack.run(Self.quickCheck, "quick check: payments")
        try await stack.browser("list", [finished])
    }

    @Test func tenWindowsStayLiveBecauseHiddenPagesLetGoOfTheirStreams() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let finished = try await stack.run(Self.quickCheck, "quick check: payments")
        try await stack.browser("tabs", [finished])
    }

    @Test func timelineShowsTheFirstToolCallWhileRunningAndApprovingRunsTheToolOnce() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await stack.start(Self.approval, "The payments service is throwing 503s. Investigate.")
        try await stack.browser("approve", [id])
    }

    @Test func rejectingFromThePageNeverRunsTheTool() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await stack.start(Self.approval, "The payments service is throwing 503s. Investigate.")
        try await stack.browser("reject", [id])
    }

    @Test func theExecutionPageShowsTheSpendAgainstEachBudgetLimit() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await stack.run(Self.budgetProbe, "budget probe: payments")
        try await stack.browser("budget", [id])
    }

    @Test func pauseResumeSignalCancelAndRetryFromThePage() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await stack.start(Self.approval, "The payments service is throwing 503s. Investigate.")
        try await stack.browser("controls", [id])
    }

    @Test func errorBannerFollowsAFailedSubAgentToTheRootCauseAndJumpsToIt() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await stack.start(Self.failingTeam, "Write about durable agents.")
        try await stack.browser("failure", [id])
    }

    @Test func manualSelectionOnThePageIsTheAgentThatSpeaksNextAndTheBreadcrumbLeadsThroughSubAgents() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await stack.start(Self.manual, "Write about durable agents.")
        try await stack.browser("manual", [id])
    }

    @Test func comparePageMarksTheOneToolArgumentThatDiffers() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let a = try await stack.run(Self.quickCheck, "quick check: payments")
        let b = try await stack.run(Self.quickCheck, "quick check: billing")
        try await stack.browser("compare", [a, b])
    }

    @Test func agentsPageShowsTheOutlineAndRunsAnAgentFromItsForm() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        _ = try await stack.run(Self.quickCheck, "quick check: billing")
        try await stack.browser("agents")
    }

    @Test func withAnAPIKeyNothingLoadsWithoutItAndEverythingWithIt() async throws {
        let key = "dashboard-test-key-\(UUID().uuidString.prefix(8))"
        let stack = try await Self.stack(extra: ["--api-key", key])
        defer { Task { await stack.stopAll() } }
        let finished = try await stack.run(Self.quickCheck, "quick check: payments")
        try await stack.browser("apikey", [finished])
    }
}

/// A real server and worker for the dashboard tests, with an optional API key.
final class DashboardStack: @unchecked Sendable {
    let port: Int
    let dataDirectory: String
    let cassette: String
    let serverArguments: [String]
    private(set) var server: ChildProcess?
    private(set) var worker: ChildProcess?
    var url: String { "http://127.0.0.1:\(port)" }
    /// The `--api-key` value among the server's arguments.
    var apiKey: String? { serverArguments.firstIndex(of: "--api-key").map { serverArguments[$0 + 1] } }
    private var clientArguments: [String] { ["--server", url] + (apiKey.map { ["--api-key", $0] } ?? []) }

    init(cassette: String, serverArguments: [String]) throws {
        port = freePort()
        dataDirectory = try makeTemporaryDirectory()
        self.cassette = cassette
        self.serverArguments = serverArguments
    }

    func startServer() async throws {
        let server = try ChildProcess(
            TestEnvironment.binary,
            ["server", "--port", String(port), "--data", dataDirectory, "--llm-cassette", cassette, "--log-level", "warning"]
                + serverArguments)
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

    func startWorker(_ specs: [String]) throws {
        worker = try ChildProcess(
            TestEnvironment.binary, ["worker"] + specs.map { TestEnvironment.packageRoot + "/" + $0 } + clientArguments)
    }

    /// Runs a CLI command to completion; returns (exit code, stdout, stderr).
    func cli(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> (Int32?, String, String) {
        let process = try ChildProcess(TestEnvironment.binary, arguments + clientArguments)
        let code = await process.wait(timeout: timeout)
        if code == nil { await process.kill9() }
        return (code, process.stdout, process.stderr)
    }

    /// Deploys and starts a spec (path relative to the package root) with `prompt`; returns the execution id.
    func start(_ spec: String, _ prompt: String) async throws -> String {
        let (code, out, err) = try await cli(["start", TestEnvironment.packageRoot + "/" + spec, prompt])
        try #require(code == 0, "start \(spec): \(err)")
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a spec to completion with `prompt` and returns the execution id.
    func run(_ spec: String, _ prompt: String) async throws -> String {
        let id = try await start(spec, prompt)
        let (waited, _, waitErr) = try await cli(["stream", id, "--json"])
        try #require(waited == 0, "stream \(id): \(waitErr)")
        return id
    }

    /// Runs one browser scenario and fails the test with the script's output unless it passes.
    func browser(_ scenario: String, _ arguments: [String] = []) async throws {
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        var environment = ["PYTHONUNBUFFERED": "1", "SCREENSHOTS": DashboardTests.screenshots]
        if let apiKey { environment["API_KEY"] = apiKey }
        let script = TestEnvironment.packageRoot + "/" + DashboardTests.fixtures + "/dashboard_browser.py"
        let process = try ChildProcess(
            "/usr/bin/env", [python, script, scenario, url] + arguments, environment: environment, processGroup: true)
        let code = await process.wait(timeout: .seconds(300))
        await process.killGroup()
        print("dashboard screenshots: \(DashboardTests.screenshots)")
        #expect(
            code == 0,
            """
            browser scenario \(scenario) failed (exit \(code.map(String.init) ?? "timeout"))
            stdout:
            \(process.stdout)
            stderr:
            \(process.stderr.suffix(4000))
            server:
            \(server?.stderr.suffix(3000) ?? "")
            """)
    }

    func stopAll() async {
        await worker?.terminate()
        await server?.terminate()
    }
}
