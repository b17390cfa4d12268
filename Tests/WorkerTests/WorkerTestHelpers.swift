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

