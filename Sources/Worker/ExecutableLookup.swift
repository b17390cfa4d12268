import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a program named without a `/` in `PATH` once, and again only when the answer may have changed: when
/// `PATH` differs, when the file found changed (or went away), or when a directory searched before it changed
/// (a program of the same name may have been installed there). Checking costs a `stat` per directory up to the
/// one that holds the program, instead of a search on every call.
final class ExecutableLookup: Sendable {
    static let shared = ExecutableLookup()

    /// What a `stat` says about a file or directory, enough to notice it was replaced or changed.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var modified: timespec

        static func == (a: Identity, b: Identity) -> Bool {
            a.device == b.device && a.inode == b.inode && a.modified.tv_sec == b.modified.tv_sec
                && a.modified.tv_nsec == b.modified.tv_nsec
        }

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            #if canImport(Darwin)
            modified = info.st_mtimespec
            #else
            modified = info.st_mtim
            #endif
        }
    }

    private struct Entry {
        var path: String
        var file: Identity
        /// The directories searched before (and including) the one holding the program.
        var directories: [(String, Identity?)]
    }

    private struct Key: Hashable {
        var name: String
        var searchPath: String
    }

    private let entries = Mutex([Key: Entry]())

    /// The absolute path of `name` in `searchPath` (colon-separated), or nil when no executable of that name
    /// is there.
    func resolve(_ name: String, searchPath: String) -> String? {
        let key = Key(name: name, searchPath: searchPath)
        if let entry = entries.withLock({ $0[key] }), Self.isCurrent(entry) { return entry.path }
        guard let entry = Self.search(name, in: searchPath) else {
            entries.withLock { _ = $0.removeValue(forKey: key) }
            return nil
        }
        entries.withLock { all in
            if all.count > 1024 { all.removeAll() }
            all[key] = entry
        }
        return entry.path
    }

    private static func isCurrent(_ entry: Entry) -> Bool {
        guard Identity(path: entry.path) == entry.file else { return false }
        return entry.directories.allSatisfy { Identity(path: $0.0) == $0.1 }
    }

    private static func search(_ name: String, in searchPath: String) -> Entry? {
        var searched: [(String, Identity?)] = []
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false).map(String.init) {
            let base = directory.isEmpty ? "." : directory
            // A relative PATH entry depends on the working directory: never cache through it.
            guard base.hasPrefix("/") else { return nil }
            searched.append((base, Identity(path: base)))
            let candidate = base.hasSuffix("/") ? base + name : base + "/" + name
            var info = stat()
            guard stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0,
                let identity = Identity(path: candidate)
            else { continue }
            return Entry(path: candidate, file: identity, directories: searched)
        }
        return nil
    }
}
