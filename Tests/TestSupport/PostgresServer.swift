import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server with the pgvector extension, started from a fresh data directory on a free loopback port
/// for the tests of the pgvector store, and killed when the test process exits.
///
/// The binaries come from `AGENTSPANC_PG_BIN` (a `bin` directory), else Debian's `postgresql-NN` with
/// `postgresql-NN-pgvector`, else the PostgreSQL + pgvector build `scripts/setup` unpacks into
/// `/opt/agentspanc-pgvector/pgserver/pginstall`. PostgreSQL refuses to run as root, so under root the server runs as `nobody`.
public final class PostgresServer: Sendable {
    /// `postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable`.
    public let url: String
    public let port: Int
    private let process: ChildProcess
    private let directory: String

    /// The `bin` directory of a PostgreSQL with pgvector installed, or nil when there is none.
    public static func binaries() -> String? {
        let fm = FileManager.default
        func hasVector(_ bin: String) -> Bool {
            // pg_config --sharedir is what the server reads; the two layouts in use are checked directly.
            let root = URL(fileURLWithPath: bin).deletingLastPathComponent()
            let version = root.lastPathComponent
            let candidates = [
                root.appendingPathComponent("share/postgresql/extension/vector.control").path,
                root.appendingPathComponent("share/extension/vector.control").path,
                "/usr/share/postgresql/\(version)/extension/vector.control",
            ]
            return fm.isExecutableFile(atPath: bin + "/postgres") && candidates.contains { fm.fileExists(atPath: $0) }
        }
        if let explicit = ProcessInfo.processInfo.environment["AGENTSPANC_PG_BIN"], !explicit.isEmpty {
            return hasVector(explicit) ? explicit : nil
        }
        let debian = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        return (debian + ["/opt/agentspanc-pgvector/pgserver/pginstall/bin"]).first(where: hasVector)
    }

    /// Why the pgvector tests cannot run here, or nil when they can.
    public static var unavailableReason: String? {
        binaries() == nil
            ? "no PostgreSQL with pgvector found (run scripts/setup, or set AGENTSPANC_PG_BIN to its bin directory)"
            : nil
    }

    /// The process-wide server, started on first use.
    public static func shared() async throws -> PostgresServer {
        try await Shared.instance.server()
    }

    private actor Shared {
        static let instance = Shared()
        private var started: PostgresServer?

        func server() async throws -> PostgresServer {
            if let started { return started }
            let server = try await PostgresServer.start()
            started = server
            return server
        }
    }

    private init(url: String, port: Int, process: ChildProcess, directory: String) {
        self.url = url
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// A failure to start, with what the server printed.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// initdb into a temporary directory, then `postgres` on a free port, waiting (up to a minute) until it accepts
    /// connections.
    public static func start() async throws -> PostgresServer {
        guard let bin = binaries() else { throw StartError(description: unavailableReason ?? "no PostgreSQL") }
        let directory = try makeTemporaryDirectory(prefix: "agentspanc-pgvector")
        let data = directory + "/data"
        var prefix: [String] = []
        if getuid() == 0, let nobody = getpwnam("nobody") {
            // The server's own user must own the data directory; setpriv execs in place, so signals reach postgres.
            chown(directory, nobody.pointee.pw_uid, nobody.pointee.pw_gid)
            chmod(directory, 0o700)
            prefix = ["/usr/bin/setpriv", "--reuid=\(nobody.pointee.pw_uid)", "--regid=\(nobody.pointee.pw_gid)", "--clear-groups", "--"]
        }
        func command(_ tool: String, _ arguments: [String]) throws -> ChildProcess {
            let argv = prefix + [bin + "/" + tool] + arguments
            return try ChildProcess(argv[0], Array(argv.dropFirst()), environment: ["LC_ALL": "C", "TZ": "UTC"])
        }
        let initdb = try command("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
        guard await initdb.wait(timeout: .seconds(120)) == 0 else {
            throw StartError(description: "initdb failed: \(initdb.stderr.suffix(1_000))")
        }
        let port = freePort()
        let server = try command("postgres", [
            "-D", data, "-p", "\(port)", "-k", directory, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
            "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ])
        let deadline = ContinuousClock.now + .seconds(60)
        while !isListening(port) {
            if let status = await server.wait(timeout: .milliseconds(100)) {
                throw StartError(description: "postgres exited with \(status): \(server.stderr.suffix(1_000))")
            }
            if ContinuousClock.now > deadline {
                await server.kill9()
                throw StartError(description: "postgres did not listen on \(port) within 60 s: \(server.stderr.suffix(1_000))")
            }
        }
        return PostgresServer(
            url: "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable", port: port, process: server,
            directory: directory)
    }
}
