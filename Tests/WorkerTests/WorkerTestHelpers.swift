import Foundation
import Workflow

#if canImport(Glibc)
import Glibc
#endif

/// Writes an executable script and returns its path.
@discardableResult
func writeScript(_ directory: String, _ name: String, _ content: String) throws -> String {
    let path = directory + "/" + name
    let parent = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    try content.write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
}

/// Prints its argv (after argv[0]) as hex-encoded raw bytes, so the test compares bytes, not decodings.
let argvEchoScript = """
    #!/usr/bin/env python3
    import json, os, sys
    sys.stdout.write(json.dumps({"argv": [os.fsencode(a).hex() for a in sys.argv[1:]]}))
    """

/// The hex encoding of a string's UTF-8 bytes.
func hex(_ text: String) -> String {
    text.utf8.map { String(format: "%02x", $0) }.joined()
}

/// True when the process is gone or a zombie (already dead, waiting to be reaped).
func processIsDead(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    guard let close = stat.lastIndex(of: ")") else { return true }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.first == "Z" || fields.first == "X"
}

/// Polls a condition until it holds or the time is up.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
