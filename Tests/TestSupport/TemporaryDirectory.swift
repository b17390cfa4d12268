import Foundation

/// A fresh directory under the system temporary directory, named `prefix-UUID`.
public func makeTemporaryDirectory(prefix: String = "agentspanc-tests") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
