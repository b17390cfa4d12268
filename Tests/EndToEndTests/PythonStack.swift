import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why a Python-client test could not even begin; its description is the test's failure message.
struct PythonStackError: Error, CustomStringConvertible {
    let description: String
}

/// The Python interpreter that has the real clients installed (conductor-python 2.0.0, agentspan 0.2.0).
enum PythonClients {
    static let fixtures = TestEnvironment.packageRoot + "/Tests/EndToEndTests/Fixtures/python"
    static let requiredPackages = ["conductor-python": "2.0.0", "agentspan": "0.2.0"]

    /// `$PYTHON`, else `python3` on `PATH`, after checking the exact package versions. A missing interpreter or
    /// package is a test failure that says how to install it, never a silent skip: CI installs them.
    static func interpreter(also extra: [String: String] = [:]) async throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let candidates =
            environment["PYTHON"].map { [$0] }
            ?? (environment["PATH"] ?? "/usr/local/bin:/usr/bin").split(separator: ":").map { "\($0)/python3" }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw PythonStackError(description: "python3 not found on PATH (or $PYTHON): run scripts/setup")
        }
        let check = """
            import sys
            from importlib.metadata import version, PackageNotFoundError
            wanted = dict(a.split("==") for a in sys.argv[1:])
            problems = []
            for name, expected in wanted.items():
                try:
                    found = version(name)
                except PackageNotFoundError:
                    found = None
                if found != expected:
                    problems.append(f"{name}=={expected} (found {found})")
            print(", ".join(problems))
            sys.exit(1 if problems else 0)
            """
        let wanted = requiredPackages.merging(extra) { first, _ in first }
        let process = try ChildProcess(python, ["-c", check] + wanted.map { "\($0.key)==\($0.value)" })
        // Importing the metadata of a dozen packages is quick, but not on a machine busy with the whole suite.
        let code = await process.wait(timeout: .seconds(120))
        guard code != nil else {
            throw PythonStackError(description: "\(python) did not answer the package check within 120 s")
        }
        guard code == 0 else {
            let problems = (process.stdout + process.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PythonStackError(
                description: """
                    \(python) lacks the Python clients the compatibility tests drive: \(problems). Install them with \
                    scripts/setup (python3 -m pip install \(wanted.map { "\($0.key)==\($0.value)" }.sorted().joined(separator: " "))).
                    """)
        }
        return python
    }
}

/// A real `agentspanc server` process (optionally with a local OpenAI test double) and Python client processes,
/// each Python process in its own process group so the worker processes it forks die with it.
final class PythonStack: @unchecked Sendable {
    let python: String
    let port: Int
    let dataDirectory: String
    private(set) var server: ChildProcess?
    private(set) var openAI: ChildProcess?
    private(set) var openAIPort: Int?
    private(set) var openAILog: String?
    var url: String { "http://127.0.0.1:\(port)" }
    var apiURL: String { url + "/api" }

    init(python: String) throws {
        self.python = python
        port = freePort()
        dataDirectory = try makeTemporaryDirectory()
    }

    /// Starts `Fixtures/python/openai_double.py` and waits for the port it picked.
    func startOpenAIDouble() async throws {
        let portFile = dataDirectory + "/openai.port"
        let log = dataDirectory + "/openai-requests.jsonl"
        let double = try ChildProcess(
            python, [PythonClients.fixtures + "/openai_double.py", portFile, log], processGroup: true)
        openAI = double
        openAILog = log
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                openAIPort = port
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PythonStackError(description: "the OpenAI test double did not start; stderr:\n\(double.stderr)")
    }

    /// Starts the server (with `arguments` added); with the double running, its OpenAI provider points at it.
    func startServer(_ arguments: [String] = []) async throws {
        // A key in the developer's environment must not secure the server behind the test's back.
        var environment = ["AGENTSPAN_API_KEY": ""]
        if let openAIPort {
            environment["OPENAI_BASE_URL"] = "http://127.0.0.1:\(openAIPort)/v1"
            environment["OPENAI_API_KEY"] = "test"
        }
        let server = try ChildProcess(
            TestEnvironment.binary,
            ["server", "--port", String(port), "--data", dataDirectory, "--log-level", "warning"] + arguments,
            environment: environment)
        self.server = server
        let deadline = ContinuousClock.now + .seconds(30)
        while !isListening(port) {
            guard ContinuousClock.now < deadline else {
                throw PythonStackError(description: "server did not listen within 30 s; stderr:\n\(server.stderr)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Runs a fixture script to completion (bounded by `timeout`), then kills whatever it left behind.
    func runScript(
        _ script: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)
    ) async throws -> (code: Int32?, stdout: String, stderr: String) {
        try await finish(startScript(script, arguments, environment: environment), timeout: timeout)
    }

    /// Starts a fixture script in its own process group.
    func startScript(_ script: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        var env = environment
        env["PYTHONUNBUFFERED"] = "1"
        return try ChildProcess(python, [PythonClients.fixtures + "/" + script] + arguments, environment: env, processGroup: true)
    }

    /// Waits for a script started with ``startScript(_:_:environment:)`` (bounded by `timeout`), then kills whatever
    /// it left behind.
    func finish(_ process: ChildProcess, timeout: Duration) async -> (code: Int32?, stdout: String, stderr: String) {
        let code = await process.wait(timeout: timeout)
        await process.killGroup()
        return (code, process.stdout, process.stderr)
    }

    /// Requests the double received, one JSON object each.
    var openAIRequests: [[String: Any]] {
        guard let openAILog, let text = try? String(contentsOfFile: openAILog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Sends a request to the server and returns (status, body).
    func http(_ method: String, _ path: String, json: Any? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Runs `body`, then stops every process of the stack, whether `body` succeeded or threw.
    func stoppingAfterwards<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await stopAll()
            return result
        } catch {
            await stopAll()
            throw error
        }
    }

    func stopAll() async {
        await server?.terminate()
        await openAI?.killGroup()
    }
}

extension String {
    /// The JSON object on the last non-empty line (the fixture scripts' report).
    var lastJSONLine: [String: Any]? {
        split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}
