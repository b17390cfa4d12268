import Foundation
import TestSupport
import Testing

@testable import Worker

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ToolProcessRegistryTests {
    @Test func onlyToolsOfDeadWorkersThatAreStillTheSameProcessAreEnded() async throws {
        let registry = ToolProcessRegistry(directory: try makeTemporaryDirectory())
        let orphan = try ChildProcess("/bin/sleep", ["30"], processGroup: true)
        let adopted = try ChildProcess("/bin/sleep", ["30"], processGroup: true)
        defer {
            kill(-orphan.pid, SIGKILL)
            kill(-adopted.pid, SIGKILL)
        }
        // A worker that has exited (and been reaped), and one that is alive.
        let dead = try ChildProcess("/bin/true", [])
        _ = await dead.wait(timeout: .seconds(10))
        let alive = adopted.pid
        func record(worker: Int32, tool: Int32, started: UInt64?) throws {
            try String(started ?? 0).write(toFile: "\(registry.directory)/\(worker)-\(tool)", atomically: true, encoding: .utf8)
        }
        try record(worker: dead.pid, tool: orphan.pid, started: ToolProcessRegistry.startTime(of: orphan.pid))
        try record(worker: alive, tool: adopted.pid, started: ToolProcessRegistry.startTime(of: adopted.pid))
        // A recycled pid: the recorded start time is not the running process's.
        try record(worker: dead.pid, tool: adopted.pid, started: 1)

        #expect(registry.endOrphans() == [orphan.pid])
        #expect(await eventually { processIsDead(orphan.pid) })
        #expect(!processIsDead(adopted.pid))
        let left = try FileManager.default.contentsOfDirectory(atPath: registry.directory)
        #expect(left == ["\(alive)-\(adopted.pid)"], "files of dead workers are gone, a live worker's stays")
    }

    @Test func aRunningCommandIsRecordedOnlyWhileItRuns() async throws {
        let registry = ToolProcessRegistry.shared
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "mark.sh", "#!/bin/sh\necho $$ > pid\nsleep 4\n")
        let tool = try CommandTool(WorkerToolDefinition(
            name: "mark", binding: .init(command: ["./mark.sh"]), baseDirectory: dir))
        async let outcome = tool.execute(ToolInvocation(
            input: [:], taskID: "t", executionID: "e", toolName: "mark", referenceTaskName: "mark"))
        #expect(await eventually(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: dir + "/pid") })
        let pid = try #require(Int32((try String(contentsOfFile: dir + "/pid", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        let file = "\(getpid())-\(pid)"
        // Recorded a moment after the start (the script may write its pid first).
        #expect(await eventually(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: "\(registry.directory)/\(file)") })
        #expect(await outcome.status == .completed)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: registry.directory))?.contains(file) == false)
    }
}
