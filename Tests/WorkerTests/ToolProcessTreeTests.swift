import AgentSpec
import Foundation
import TestSupport
import Testing
import Workflow

@testable import Worker

#if canImport(Glibc)
import Glibc
#endif

/// A timed-out or interrupted tool call ends every process it started, also those that left its session.
@Suite struct ToolProcessTreeTests {
    /// Starts three escapees, then waits: a `setsid` grandchild (holding stdout, so the call cannot end before they
    /// are gone), a double-forked daemon reparented away from the tool, and a `setsid` child that ignores SIGTERM and
    /// runs without any environment (so without the call's marker). Writes `ready` last.
    static let escapingScript = """
        #!/bin/sh
        echo "$AGENTSPANC_TOOL_CALL" > marker
        setsid sleep 1000 &
        echo $! > setsid.pid
        sh -c 'setsid sh -c "sleep 1000 > /dev/null 2>&1 & echo \\$! > daemon.pid" &'
        setsid sh -c 'trap "" TERM; exec env -i /bin/sleep 1000' > /dev/null 2>&1 &
        echo $! > bare.pid
        while [ ! -s daemon.pid ]; do sleep 0.05; done
        touch ready
        sleep 1000
        """

    static let pidFiles = ["setsid.pid", "daemon.pid", "bare.pid"]

    func tool(in dir: String, timeoutSeconds: Double) throws -> CommandTool {
        try writeScript(dir, "escape.sh", Self.escapingScript)
        return try CommandTool(WorkerToolDefinition(
            name: "escape", binding: ToolBinding(command: ["./escape.sh"], timeoutSeconds: timeoutSeconds),
            baseDirectory: dir))
    }

    func invocation() -> ToolInvocation {
        ToolInvocation(input: [:], taskID: "task-1", executionID: "exec-1", toolName: "escape", referenceTaskName: "escape")
    }

    func pids(in dir: String) throws -> [String: Int32] {
        var pids: [String: Int32] = [:]
        for file in Self.pidFiles {
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), "\(file): \(text)")
            pids[file] = pid
        }
        return pids
    }

    /// Live processes whose environment holds `AGENTSPANC_TOOL_CALL=<marker>`, read independently of the worker.
    func liveProcesses(marked marker: String) -> [Int32] {
        let entry = Data("\(ToolProcessTree.markerName)=\(marker)".utf8)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { pid in
            guard !processIsDead(pid),
                let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
            else { return false }
            return environ.split(separator: 0).contains { Data($0) == entry }
        }
    }

    func expectNothingLeft(_ dir: String) async throws {
        let marker = try String(contentsOfFile: dir + "/marker", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!marker.isEmpty)
        for (file, pid) in try pids(in: dir) {
            #expect(await eventually(timeout: .seconds(10)) { processIsDead(pid) }, "\(file) (pid \(pid)) still runs")
        }
        #expect(await eventually(timeout: .seconds(10)) { liveProcesses(marked: marker).isEmpty })
    }

    @Test func aTimeoutEndsEveryProcessTheToolStartedEvenOutsideItsSession() async throws {
        let dir = try makeTemporaryDirectory()
        let outcome = try await tool(in: dir, timeoutSeconds: 5).execute(invocation())
        #expect(outcome.status == .failedWithTerminalError)
        #expect(outcome.reason?.contains("timed out") == true, "\(outcome.reason ?? "")")
        #expect(FileManager.default.fileExists(atPath: dir + "/ready"), "the escapees were set up before the timeout")
        try await expectNothingLeft(dir)
    }

    @Test func anInterruptedCallEndsEveryProcessTheToolStarted() async throws {
        let dir = try makeTemporaryDirectory()
        let tool = try tool(in: dir, timeoutSeconds: 600)
        let call = Task { await tool.execute(invocation()) }
        #expect(await eventually(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: dir + "/ready") })
        // The call cannot end on its own (sleep 1000); it ends because it is cancelled, as at shutdown.
        call.cancel()
        let outcome = await call.value
        #expect(outcome.status == .failed)
        #expect(outcome.reason?.contains("interrupted") == true, "\(outcome.reason ?? "")")
        try await expectNothingLeft(dir)
    }

    @Test func anOrphanedCallOfADeadWorkerIsEndedWithItsWholeTree() async throws {
        // What a worker starting after a `kill -9` does with the registry file of a call of the dead worker.
        let dir = try makeTemporaryDirectory()
        try writeScript(dir, "escape.sh", Self.escapingScript)
        let marker = ToolProcessTree.newMarker()
        let leader = try ChildProcess(
            "/bin/sh", ["-c", "cd '\(dir)' && exec setsid ./escape.sh"],
            environment: [ToolProcessTree.markerName: marker, "PATH": "/usr/bin:/bin"])
        #expect(await eventually(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: dir + "/ready") })
        let registry = ToolProcessRegistry(directory: try makeTemporaryDirectory())
        let dead = try ChildProcess("/bin/true", [])
        _ = await dead.wait(timeout: .seconds(10))
        let started = try #require(ToolProcessRegistry.startTime(of: leader.pid))
        try "\(started) \(marker)".write(
            toFile: "\(registry.directory)/\(dead.pid)-\(leader.pid)", atomically: true, encoding: .utf8)

        #expect(registry.endOrphans() == [leader.pid])
        _ = await leader.wait(timeout: .seconds(10))
        try await expectNothingLeft(dir)
    }
}
