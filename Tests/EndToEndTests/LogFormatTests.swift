import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

/// `--log-format json`: the server and the worker write one JSON object per stderr line, with the ids of the
/// task a line concerns.
@Suite(.serialized) struct LogFormatTests {
    /// Every stderr line parsed as a JSON object; records an issue for a line that is not one.
    func jsonLines(_ stderr: String, _ process: String) -> [[String: Any]] {
        stderr.split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if object == nil { Issue.record("\(process) wrote a line that is not a JSON object: \(line)") }
            return object
        }
    }

    @Test func serverAndWorkerLogJSONLinesNamingTheTaskOfAToolCall() async throws {
        let dir = try makeTemporaryDirectory()
        try """
            name: json_log_agent
            model: openai/gpt-4o
            instructions: Echo.
            tools:
              - name: echo_tool
                description: Prints a fixed object.
                inputSchema: {type: object, properties: {}}
                run: {command: [./echo.sh]}
              - name: unbound_tool
                description: Served elsewhere.
            """.write(toFile: dir + "/agent.yaml", atomically: true, encoding: .utf8)
        try "#!/bin/sh\nprintf '{\"echoed\":true}'\n".write(toFile: dir + "/echo.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir + "/echo.sh")

        let port = freePort()
        let server = try ChildProcess(TestEnvironment.binary, [
            "server", "--port", String(port), "--data", dir + "/data", "--log-format", "json", "--log-level", "debug",
        ])
        #expect(await eventually(timeout: .seconds(30)) { isListening(port) }, "\(server.stderr)")
        let url = "http://127.0.0.1:\(port)"
        let worker = try ChildProcess(TestEnvironment.binary, [
            "worker", dir + "/agent.yaml", "--server", url, "--log-format", "json", "--log-level", "debug",
        ])
        #expect(await eventually(timeout: .seconds(30)) { worker.stdout.contains("serving echo_tool") }, "\(worker.stderr)")

        let client = ConductorClient(baseURL: url)
        try await client.registerWorkflowDef(WorkflowDef(
            name: "json_log_wf", tasks: [WorkflowTask(name: "echo_tool", taskReferenceName: "echo", type: "SIMPLE")]))
        let id = try await client.startWorkflow(StartWorkflowRequest(name: "json_log_wf"))
        let execution = try await client.waitForEnd(id, timeout: .seconds(60))
        #expect(execution.status == .completed)
        let taskID = try #require(execution.tasks.first?.taskId)
        func concernsTheCall(_ line: [String: Any]) -> Bool {
            line["taskId"] as? String == taskID && line["executionId"] as? String == id && line["tool"] as? String == "echo_tool"
        }
        #expect(await eventually(timeout: .seconds(20)) { jsonLines(worker.stderr, "worker").contains(where: concernsTheCall) })
        worker.signal(SIGTERM)
        #expect(await worker.wait(timeout: .seconds(20)) == 0)
        server.signal(SIGTERM)
        #expect(await server.wait(timeout: .seconds(20)) == 0)

        let workerLines = jsonLines(worker.stderr, "worker")
        let serverLines = jsonLines(server.stderr, "server")
        for line in workerLines + serverLines {
            #expect(line["timestamp"] is String && line["level"] is String && line["label"] is String && line["message"] is String)
        }
        #expect(workerLines.contains { $0["message"] as? String == "tool completed" && concernsTheCall($0) && $0["agent"] as? String == "json_log_wf" })
        #expect(workerLines.contains { ($0["message"] as? String)?.contains("unbound_tool has no run: binding") == true && $0["level"] as? String == "warning" })
        #expect(serverLines.contains { $0["message"] as? String == "task handed to a worker" && concernsTheCall($0) && $0["agent"] as? String == "json_log_wf" })
        #expect(serverLines.contains { $0["message"] as? String == "task result from a worker" && concernsTheCall($0) && $0["status"] as? String == "COMPLETED" && $0["agent"] as? String == "json_log_wf" })
        #expect(serverLines.contains { ($0["label"] as? String) == "agentspanc.server" })
    }
}
