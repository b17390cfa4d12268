import ConductorClient
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts an embedded server in the background when `run` or `start` find none, as the Agentspan SDK does: only for
/// the default address (no `--server`), only on this machine, and not when `AGENTSPAN_AUTO_START_SERVER` is false.
///
/// The server gets its own session (Ctrl-C of the command does not reach it), keeps its data in
/// `~/.agentspanc/data`, logs to `~/.agentspanc/server.log` and writes its pid to `~/.agentspanc/server.pid`.
enum ServerAutoStart {
    static func ensureRunning(_ options: ClientOptions) async throws {
        guard options.server == nil else { return }
        let environment = ProcessInfo.processInfo.environment
        if let flag = environment["AGENTSPAN_AUTO_START_SERVER"]?.lowercased(), ["false", "0", "no", "off"].contains(flag) {
            return
        }
        let url = environment["AGENTSPAN_SERVER_URL"] ?? "http://localhost:6767"
        guard let components = URLComponents(string: url), let host = components.host,
              ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
        else { return }
        let client = ConductorClient(baseURL: url, apiKey: options.apiKey ?? environment["AGENTSPAN_API_KEY"])
        do {
            try await client.checkHealth()
            return
        } catch let error as ConductorClientError where error.status == nil {
            // Nobody listens: start one below.
        }
        let home = BackgroundServer.home
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let port = components.port ?? 6767
        let log = BackgroundServer.logFile
        let pid = try spawnDetached(
            executable(), ["server", "--port", String(port), "--data", home + "/data"], log: log)
        try? "\(pid)\n".write(toFile: BackgroundServer.pidFile, atomically: true, encoding: .utf8)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? await client.checkHealth()) != nil {
                FileHandle.standardError.write(Data(
                    "agentspanc: started a server on \(client.baseURL) (pid \(pid), data \(home)/data, log \(log))\n".utf8))
                return
            }
            if kill(pid, 0) != 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let tail = (try? String(contentsOfFile: log, encoding: .utf8)).map { String($0.suffix(800)) } ?? ""
        throw ServerAutoStartError(description: "could not start a server on \(client.baseURL) (see \(log)):\n\(tail)")
    }

    /// This program's own executable.
    private static func executable() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// Starts `executable` in a new session with stdin from /dev/null and both outputs appended to `log`.
    private static func spawnDetached(_ executable: String, _ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        #if canImport(Glibc)
            // POSIX_SPAWN_SETSID (glibc's value; the Swift module does not export the GNU extension).
            let newSession: Int32 = 0x80
        #else
            let newSession = Int32(POSIX_SPAWN_SETSID)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETSIGMASK) | newSession))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else {
            throw ServerAutoStartError(description: "could not start \(executable) server: \(String(cString: strerror(rc)))")
        }
        return pid
    }
}

/// The background server could not be started.
struct ServerAutoStartError: Error, CustomStringConvertible {
    var description: String
}
