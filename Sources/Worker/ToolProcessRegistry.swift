import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Remembers running tool commands on disk, so that a worker starting on this machine can end the tools a
/// `kill -9`ed worker left behind (they run in their own sessions and would otherwise go on to their end, beside
/// the retry the server hands to the new worker).
///
/// One file per running tool, named `<worker pid>-<tool pid>`, holding the tool's start time (from `/proc`) and its
/// call's marker (``ToolProcessTree``). A file whose worker is no longer alive belongs to an orphaned call: its
/// whole process tree is killed — the process group only if the tool process is still the same one (same start
/// time), every process carrying the marker in any case — and the file is removed. Linux only; elsewhere it
/// records nothing.
struct ToolProcessRegistry: Sendable {
    /// Where the files live: one directory per user.
    let directory: String

    /// The registry of this user on this machine.
    static let shared = ToolProcessRegistry(
        directory: (ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].map { $0 + "/agentspanc-tools" })
            ?? NSTemporaryDirectory() + "agentspanc-tools-\(getuid())")

    /// Records a tool call (its process leads its own process group). Returns the file to pass to ``forget(_:)``.
    /// Plain open/write/unlink: this runs for every tool call.
    func remember(_ tree: ToolProcessTree) -> String? {
        guard let started = tree.leaderStartTime else { return nil }
        let path = "\(directory)/\(getpid())-\(tree.leader)"
        var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if descriptor < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let text = "\(started) \(tree.marker)"
        let written = text.withCString { write(descriptor, $0, strlen($0)) }
        return written == text.utf8.count ? path : nil
    }

    func forget(_ file: String?) {
        guard let file else { return }
        unlink(file)
    }

    /// Kills the process trees of tool calls whose worker process has died; returns the tool pids of the calls that
    /// still had processes.
    @discardableResult
    func endOrphans() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var ended: [Int32] = []
        for name in names {
            let parts = name.split(separator: "-")
            guard parts.count == 2, let worker = Int32(parts[0]), let tool = Int32(parts[1]) else { continue }
            guard worker != getpid(), !Self.isAlive(worker) else { continue }
            let path = "\(directory)/\(name)"
            let fields = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: " ")
            if let recorded = fields.first.flatMap({ UInt64($0) }) {
                let marker = fields.count > 1 ? String(fields[1]) : ""
                let tree = ToolProcessTree(leader: tool, leaderStartTime: recorded, marker: marker)
                if !tree.killAll().isEmpty { ended.append(tool) }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        return ended
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A zombie worker is dead too.
        guard let stat = ProcFS.stat(of: pid) else { return false }
        return !stat.hasExited
    }

    /// Clock ticks since boot at which `pid` started (field 22 of `/proc/<pid>/stat`).
    static func startTime(of pid: Int32) -> UInt64? {
        ProcFS.stat(of: pid)?.startTime
    }
}
