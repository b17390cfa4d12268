import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few facts the worker reads from Linux's `/proc` about other processes. Elsewhere every answer is empty.
enum ProcFS {
    /// The fields of `/proc/<pid>/stat` the worker uses.
    struct Stat: Sendable, Hashable {
        /// `R`, `S`, `D`, `Z` (zombie), `X` (dead), …
        var state: Character
        var parent: Int32
        var processGroup: Int32
        var session: Int32
        /// Clock ticks since boot at which the process started: with the pid, it names one process for good.
        var startTime: UInt64

        /// Exited (a zombie waiting for its parent, or gone).
        var hasExited: Bool { state == "Z" || state == "X" }
    }

    /// The process's stat line, or nil when it does not exist (or cannot be read).
    static func stat(of pid: Int32) -> Stat? {
        guard let bytes = contents(of: "/proc/\(pid)/stat", limit: 1024) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // The command name (field 2) may hold spaces and parentheses: the fields start after the last ')'.
        guard let nameEnd = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = Int32(fields[1]),
            let group = Int32(fields[2]), let session = Int32(fields[3]), let started = UInt64(fields[19])
        else { return nil }
        return Stat(state: state, parent: parent, processGroup: group, session: session, startTime: started)
    }

    /// Whether `/proc/<pid>/environ` holds the entry `NAME=value` exactly (empty for zombies and for processes of
    /// other users).
    static func environment(of pid: Int32, contains entry: String) -> Bool {
        guard let bytes = contents(of: "/proc/\(pid)/environ", limit: 4 << 20) else { return false }
        let needle = Array(entry.utf8)
        return bytes.split(separator: 0, omittingEmptySubsequences: true).contains { $0.elementsEqual(needle) }
    }

    /// Every process id in `/proc`.
    static func processIDs() -> [Int32] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = Int32(name), pid > 0 { pids.append(pid) }
        }
        return pids
    }

    /// Up to `limit` bytes of a file, with plain system calls (this runs for every tool call and at kill time).
    private static func contents(of path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        return bytes.isEmpty ? nil : bytes
    }
}
