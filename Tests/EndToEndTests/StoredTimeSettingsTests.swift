import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

/// A server whose database holds absurd time settings (written straight into SQLite, past the API's checks) keeps
/// running: polling such a task, updating it and restarting never crash it.
@Suite(.serialized)
struct StoredTimeSettingsTests {
    /// Runs a Python sqlite3 script against the server's database (the server must be stopped).
    static func editDatabase(_ stack: LocalStack, _ sql: String) async throws {
        let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()\nc.close()\n"
        let python = try ChildProcess("/usr/bin/env", ["python3", "-c", script, stack.dataDirectory + "/agentspanc.sqlite", sql])
        let code = await python.wait(timeout: .seconds(30))
        #expect(code == 0, "python3: \(python.stderr)")
    }

    static func isRunning(_ process: ChildProcess?) async -> Bool {
        guard let process else { return false }
        return await process.wait(timeout: .zero) == nil
    }

    @Test func absurdStoredTimeoutsDoNotCrashTheServerOnPollAfterARestart() async throws {
        let stack = try LocalStack()
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }
        let client = ConductorClient(baseURL: stack.url)
        try await client.registerTaskDefs([TaskDef(name: "absurd_tool", retryCount: 1, responseTimeoutSeconds: 30)])
        let def = WorkflowDef(
            name: "absurd_flow", tasks: [WorkflowTask(name: "absurd_tool", taskReferenceName: "t", type: "SIMPLE")],
            timeoutPolicy: "TIME_OUT_WF", timeoutSeconds: 600)
        try await client.registerWorkflowDef(def)
        let id = try await client.startWorkflow(StartWorkflowRequest(name: "absurd_flow"))
        await stack.server?.terminate()

        let max = "9223372036854775807"
        try await Self.editDatabase(
            stack,
            """
            UPDATE task_def SET json = json_set(json, '$.responseTimeoutSeconds', \(max), '$.timeoutSeconds', \(max),
                '$.retryDelaySeconds', \(max)) WHERE name = 'absurd_tool';
            UPDATE execution_definition SET json = json_set(json, '$.timeoutSeconds', \(max))
                WHERE key = (SELECT json_extract(json, '$.definitionKey') FROM execution WHERE id = '\(id)');
            """)

        // Each of these trapped (SIGILL) before: the poll computing the response deadline, the decide checking the
        // workflow and task timeouts, the FAILED update scheduling a retry Int64.max seconds away.
        try await stack.startServer()
        let task = try #require(try await client.pollBatch(taskType: "absurd_tool", workerID: "w", count: 1, timeoutMs: 2000).first)
        try await client.updateTask(TaskResult(workflowInstanceId: id, taskId: task.taskId, status: .failed, reasonForIncompletion: "boom"))
        try await Task.sleep(for: .milliseconds(1500))  // a few sweeps over the stored deadlines
        #expect(await Self.isRunning(stack.server), "the server died: \(stack.server?.stderr ?? "")")
        try await client.checkHealth()
        let w = try await client.workflow(id: id)
        #expect(w.status == .running)
        #expect(w.tasks.count == 2 && w.tasks.last?.status == .scheduled, "the retry waits (practically) forever")

        // And again after another restart, with a worker polling.
        await stack.server?.terminate()
        try await stack.startServer()
        #expect(try await client.pollBatch(taskType: "absurd_tool", workerID: "w", count: 1, timeoutMs: 1500).isEmpty)
        try await Task.sleep(for: .milliseconds(1500))
        #expect(await Self.isRunning(stack.server), "the server died after the restart: \(stack.server?.stderr ?? "")")
        try await client.checkHealth()

        // The API itself refuses such values, naming the field.
        do {
            try await client.registerTaskDefs([TaskDef(name: "absurd_tool", responseTimeoutSeconds: Int(Int64.max))])
            Issue.record("the server accepted responseTimeoutSeconds = Int64.max")
        } catch {
            #expect("\(error)".contains("HTTP 400: [0].responseTimeoutSeconds: 9223372036854775807 is out of range"), "\(error)")
        }
    }
}
