import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process of the benchmark (a worker or a server), with its stderr kept in a file and its whole
/// process tree killed and measured (conductor-python runs its workers in child processes).
final class ChildProcess {
    let process = Process()
    private let stderrPath: String

    init(_ executable: String, _ arguments: [String]) throws {
        stderrPath = FileManager.default.temporaryDirectory.appendingPathComponent("agentspanc-bench-\(UUID().uuidString).err").path
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.lookUp(executable))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(atPath: stderrPath)
            throw error
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// `program` if it contains a slash, else its first executable match in `PATH`.
    static func lookUp(_ program: String) -> String {
        guard !program.contains("/") else { return program }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return program
    }

    /// The last 3000 characters the process wrote to stderr.
    func stderrTail() -> String {
        String((try? String(contentsOfFile: stderrPath, encoding: .utf8))?.suffix(3000) ?? "")
    }

    /// SIGKILLs the process and all its descendants, and waits for it.
    func kill() {
        for member in Self.tree(of: pid).keys { Glibc.kill(member, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    /// CPU seconds (user + system, including reaped children) of the process and its live descendants.
    func cpuSeconds() -> Double {
        Self.tree(of: pid).values.reduce(0, +) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The process `root` and its descendants, with their CPU clock ticks, from /proc (Linux).
    private static func tree(of root: Int32) -> [Int32: Double] {
        var parents: [Int32: Int32] = [:]
        var ticks: [Int32: Double] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let candidate = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // Fields after the command: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 14, let ppid = Int32(fields[1]) else { continue }
            parents[candidate] = ppid
            ticks[candidate] = fields[11...14].compactMap { Double($0) }.reduce(0, +)
        }
        var members: [Int32: Double] = [:]
        for (candidate, value) in ticks {
            var current: Int32? = candidate
            while let node = current, node > 1 {
                if node == root {
                    members[candidate] = value
                    break
                }
                current = parents[node]
            }
        }
        return members
    }
}

/// A real `agentspanc server` process on a free loopback port with its data in a temporary directory.
struct ServerProcess {
    let child: ChildProcess
    let url: String
    let data: String

    static func start(_ binary: String) async throws -> ServerProcess {
        let data = try temporaryDirectory("agentspanc-bench-data")
        for _ in 0..<5 {
            let port = 20000 + Int.random(in: 0..<20000)
            let child = try ChildProcess(binary, ["server", "--port", String(port), "--data", data, "--log-level", "error"])
            let http = BenchHTTP(base: "http://127.0.0.1:\(port)")
            for _ in 0..<200 where child.process.isRunning {
                if let (status, _) = try? await http.call(.GET, "/health"), status == 200 {
                    return ServerProcess(child: child, url: http.base, data: data)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            child.kill()
        }
        throw BenchError("agentspanc server did not start")
    }

    func stop() {
        child.kill()
        try? FileManager.default.removeItem(atPath: data)
    }
}

/// A benchmark that could not run.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
