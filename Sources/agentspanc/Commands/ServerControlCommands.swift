import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `agentspanc server`: runs the embedded server in the foreground (`server run`, the default), or looks after the
/// background server `run`/`start` started (`server ps`, `server logs`, `server stop`).
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the embedded server, or look after the one started in the background.",
        discussion: """
            `agentspanc server [--port 6767] [--data DIR] …` runs the server in the foreground (`server run`; see \
            `agentspanc server run --help` for its options). `run` and `start` start one in the background when \
            none answers locally; `server ps`, `server logs` and `server stop` look after that one.
            """,
        subcommands: [ServerRunCommand.self, ServerPsCommand.self, ServerLogsCommand.self, ServerStopCommand.self],
        defaultSubcommand: ServerRunCommand.self)
}

/// Where the background server keeps its pid and log (see ``ServerAutoStart``).
enum BackgroundServer {
    static var home: String {
        (ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.agentspanc" }) ?? ".agentspanc"
    }
    static var pidFile: String { home + "/server.pid" }
    static var logFile: String { home + "/server.log" }

    /// The recorded pid, if that process is still alive.
    static func runningPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return nil }
        return kill(pid, 0) == 0 ? pid : nil
    }
}

/// `agentspanc server ps`.
struct ServerPsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "Say whether the background server runs.")

    func run() throws {
        if let pid = BackgroundServer.runningPID() {
            print("running (pid \(pid), log \(BackgroundServer.logFile))")
        } else {
            print("not running")
            throw ExitCode(3)
        }
    }
}

/// `agentspanc server logs [-n N]`.
struct ServerLogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print the end of the background server's log.")

    @Option(name: [.short, .customLong("lines")], help: "How many lines.") var lines = 20

    func run() throws {
        guard let text = try? String(contentsOfFile: BackgroundServer.logFile, encoding: .utf8) else {
            throw ValidationError("no log at \(BackgroundServer.logFile) (no background server was started)")
        }
        print(text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(separator: "\n"), terminator: "")
    }
}

/// `agentspanc server stop`.
struct ServerStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop the background server gracefully (SIGTERM; running executions resume at its next start).")

    func run() async throws {
        guard let pid = BackgroundServer.runningPID() else {
            print("not running")
            return
        }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(20)
        while kill(pid, 0) == 0, ContinuousClock.now < deadline {
            // A zombie (its parent is gone and nothing reaps it) has stopped too.
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let end = stat.lastIndex(of: ")"), stat[stat.index(after: end)...].split(separator: " ").first == "Z" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try? FileManager.default.removeItem(atPath: BackgroundServer.pidFile)
        print("stopped (pid \(pid))")
    }
}
