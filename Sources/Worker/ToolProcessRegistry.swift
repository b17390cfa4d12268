import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Remembers the process groups of running tool commands on disk, so that a worker starting on this machine can end
/// the tools a `kill -9`ed worker left behind (they run in their own sessions and would otherwise go on to their
/// end, beside the retry the server hands to the new worker).
///
/// One file per running tool, named `<worker pid>-<tool pid>`, holding the tool's start time (from `/proc`). A
/// file whose worker is no longer alive belongs to an orphan: its process group is killed if the process is still
/// the same one (same start time), and the file is removed. Linux only; elsewhere it records nothing.
struct ToolProcessRegistry: Sendable {
    /// Where the files live: one directory per user.
    let directory: String

    /// The registry of this user on this machine.
    static let shared = ToolProcessRegistry(
        directory: (ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].map { $0 + "/agentspanc-tools" })
            ?? NSTemporaryDirectory() + "agentspanc-tools-\(getuid())")

    /// Records a tool process (the leader of its own process group). Returns the file to pass to ``forget(_:)``.
    /// Plain open/write/unlink: this runs for every tool call.
    func remember(_ pid: Int32) -> String? {
        guard let started = Self.startTime(of: pid) else { return nil }
        let path = "\(directory)/\(getpid())-\(pid)"
        var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if descriptor < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let text = String(started)
        let written = text.withCString { write(descriptor, $0, strlen($0)) }
        return written == text.utf8.count ? path : nil
    }

    func forget(_ file: String?) {
        guard let file else { return }
        unlink(file)
    }

    /// Kills the process groups of tools whose worker process has died; returns their pids.
    @discardableResult
    func endOrphans() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var ended: [Int32] = []
        for name in names {
            let parts = name.split(separator: "-")
            guard parts.count == 2, let worker = Int32(parts[0]), let tool = Int32(parts[1]) else { continue }
            guard worker != getpid(), !Self.isAlive(worker) else { continue }
            let path = "\(directory)/\(name)"
            let recorded = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { UInt64($0) }
            if let recorded, Self.startTime(of: tool) == recorded {
                kill(-tool, SIGKILL)
                ended.append(tool)
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        return ended
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A zombie worker is dead too.
        guard let state = statFields(of: pid)?.first else { return false }
        return state != "Z" && state != "X"
    }

    /// Clock ticks since boot at which `pid` started (field 22 of `/proc/<pid>/stat`).
    static func startTime(of pid: Int32) -> UInt64? {
        guard let fields = statFields(of: pid), fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// The fields of `/proc/<pid>/stat` after the command name (state first).
    private static func statFields(of pid: Int32) -> [Substring]? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let stat = String(decoding: buffer[..<count], as: UTF8.self)
        guard let nameEnd = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: nameEnd)...].split(separator: " ")
    }
}
