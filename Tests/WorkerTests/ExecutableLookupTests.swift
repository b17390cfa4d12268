import Foundation
import TestSupport
import Testing
@testable import Worker

/// A program named without a `/` is found in `PATH` once and found again only when the answer may have changed.
@Suite struct ExecutableLookupTests {
    func install(_ name: String, in directory: String, executable: Bool = true) throws {
        let path = directory + "/" + name
        try "#!/bin/sh\nexit 0\n".write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: path)
    }

    @Test func findsTheFirstExecutableInPathOrderAndNoticesEveryChangeThatMatters() throws {
        let root = try makeTemporaryDirectory()
        let early = root + "/early", late = root + "/late"
        for directory in [early, late] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let lookup = ExecutableLookup()
        let path = "\(early):\(late)"
        #expect(lookup.resolve("tool", searchPath: path) == nil)

        try install("tool", in: late)
        #expect(lookup.resolve("tool", searchPath: path) == late + "/tool", "a program installed later is found")
        #expect(lookup.resolve("tool", searchPath: path) == late + "/tool", "and found again from the cache")

        try install("tool", in: early, executable: false)
        #expect(lookup.resolve("tool", searchPath: path) == late + "/tool", "a file that is not executable does not count")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: early + "/tool")
        // Changing permissions leaves the directory's mtime alone; the earlier directory's own change is what
        // counts, so touch it the way an installer (writing a new file) would.
        try FileManager.default.removeItem(atPath: early + "/tool")
        try install("tool", in: early)
        #expect(lookup.resolve("tool", searchPath: path) == early + "/tool", "a program installed earlier in PATH wins")

        try FileManager.default.removeItem(atPath: early + "/tool")
        #expect(lookup.resolve("tool", searchPath: path) == late + "/tool", "a removed program falls back to the next")
        #expect(lookup.resolve("tool", searchPath: late) == late + "/tool")
        #expect(lookup.resolve("tool", searchPath: early) == nil, "another PATH is another answer")
        #expect(lookup.resolve("tool", searchPath: "relative:\(late)") == nil, "relative entries are not cached through")
    }

    @Test func aCommandToolNamedAsUsersNameItRunsFromPath() async throws {
        let dir = try makeTemporaryDirectory()
        let definition = WorkerToolDefinition(
            name: "echo_it", inputSchema: ["type": "object", "properties": ["text": ["type": "string"]]],
            binding: .init(command: ["echo", "{text}"]), baseDirectory: dir)
        let tool = try CommandTool(definition)
        for _ in 0..<3 {
            let outcome = await tool.execute(ToolInvocation(input: ["text": "hello"], taskID: "t", executionID: "w", toolName: "echo_it"))
            #expect(outcome.output["result"] == "hello", "\(outcome)")
        }
    }
}
