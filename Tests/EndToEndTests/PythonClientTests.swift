import Foundation
import Testing

/// The real Python clients from PyPI against a real `agentspanc server` process: conductor-python 2.0.0 workers,
/// and the agentspan 0.2.0 SDK with its own `@tool` workers and the OpenAI provider pointed at a local double.
@Suite(.serialized)
struct PythonClientTests {
    // MARK: conductor-python

    static var greetingWorkflow: [String: Any] {
        [
        "name": "py_greeting_flow", "version": 1, "schemaVersion": 2, "ownerEmail": "test@example.com",
        "inputParameters": ["name", "times"],
        "tasks": [
            [
                "name": "py_greet", "taskReferenceName": "greet_ref", "type": "SIMPLE",
                "inputParameters": ["name": "${workflow.input.name}"],
            ],
            [
                "name": "py_shout", "taskReferenceName": "shout_ref", "type": "SIMPLE",
                "inputParameters": ["text": "${greet_ref.output.greeting}", "times": "${workflow.input.times}"],
            ],
        ],
        "outputParameters": ["message": "${shout_ref.output.shouted}", "length": "${shout_ref.output.length}"],
        ]
    }

    @Test func conductorPythonWorkersCompleteWorkflows() async throws {
        let stack = try PythonStack(python: try await PythonClients.interpreter())
        try await stack.startServer()
        defer { Task { await stack.stopAll() } }

        let taskDefs: [[String: Any]] = ["py_greet", "py_shout"].map {
            ["name": $0, "retryCount": 1, "responseTimeoutSeconds": 30, "ownerEmail": "test@example.com"]
        }
        #expect(try await stack.http("POST", "/api/metadata/taskdefs", json: taskDefs).0 == 200)
        #expect(try await stack.http("POST", "/api/metadata/workflow", json: Self.greetingWorkflow).0 == 200)
        // Both ways Conductor starts a workflow by name: input as the body, and a StartWorkflowRequest.
        let (status1, body1) = try await stack.http("POST", "/api/workflow/py_greeting_flow", json: ["name": "Ada", "times": 2])
        let (status2, body2) = try await stack.http(
            "POST", "/api/workflow", json: ["name": "py_greeting_flow", "input": ["name": "Grace", "times": 1]])
        #expect(status1 == 200 && status2 == 200)
        let ids = [body1, body2].map { String(decoding: $0, as: UTF8.self) }

        let (code, out, err) = try await stack.runScript(
            "conductor_worker.py", [stack.apiURL, ids.joined(separator: ","), "60"], timeout: .seconds(90))
        #expect(code == 0, "worker exit \(code.map(String.init) ?? "timeout")\nstdout:\n\(out)\nstderr:\n\(err)")

        // What the Python client saw matches what the server stores.
        let reports = out.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(reports.compactMap { $0["status"] as? String } == ["COMPLETED", "COMPLETED"], "\(out)\n\(err)")
        let expected: [(String, Int)] = [("HELLO, ADA! HELLO, ADA! ", 11), ("HELLO, GRACE! ", 13)]
        for (id, (message, length)) in zip(ids, expected) {
            let (status, data) = try await stack.http("GET", "/api/workflow/\(id)?includeTasks=true")
            #expect(status == 200)
            let workflow = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(workflow["status"] as? String == "COMPLETED")
            let output = try #require(workflow["output"] as? [String: Any])
            #expect(output["message"] as? String == message)
            #expect(output["length"] as? Int == length)
            let tasks = try #require(workflow["tasks"] as? [[String: Any]])
            #expect(tasks.map { $0["referenceTaskName"] as? String } == ["greet_ref", "shout_ref"])
            #expect(tasks.allSatisfy { ($0["workerId"] as? String ?? "").isEmpty == false }, "workers report their id")
        }
        // `register_task_def=True` made the worker (re)register its task definition through the metadata API.
        #expect(try await stack.http("GET", "/api/metadata/taskdefs/py_greet").0 == 200)
    }

    // MARK: agentspan SDK

    /// Runs one scenario of `agentspan_client.py` against a server whose OpenAI provider is the local double.
    private func agentspan(_ mode: String) async throws -> (report: [String: Any], stack: PythonStack) {
        let stack = try PythonStack(python: try await PythonClients.interpreter())
        try await stack.startOpenAIDouble()
        try await stack.startServer()
        let (code, out, err) = try await stack.runScript(
            "agentspan_client.py", [mode],
            environment: [
                "AGENTSPAN_SERVER_URL": stack.apiURL, "AGENTSPAN_AUTO_START_SERVER": "false",
                "AGENTSPAN_LOG_LEVEL": "WARNING",
            ],
            timeout: .seconds(120))
        await stack.stopAll()
        let diagnostics =
            "exit \(code.map(String.init) ?? "timeout")\nstdout:\n\(out)\nstderr:\n\(err.suffix(6000))\nserver:\n\(stack.server?.stderr.suffix(4000) ?? "")"
        #expect(code == 0, "\(diagnostics)")
        let report = try #require(out.lastJSONLine, "no report; \(diagnostics)")
        return (report, stack)
    }

    /// The events the script recorded.
    private func events(_ report: [String: Any]) -> [[String: Any]] {
        report["events"] as? [[String: Any]] ?? []
    }

    /// thinking (with the model's words), tool_call, tool_result, done — in that order, with the tool's data.
    private func expectWeatherEvents(_ events: [[String: Any]]) throws {
        let types = events.compactMap { $0["type"] as? String }
        #expect(types == ["thinking", "tool_call", "tool_result", "done"], "\(events)")
        let thinking = try #require(events.first)
        #expect(thinking["content"] as? String == "I should call get_weather first.")
        let call = try #require(events.first { $0["type"] as? String == "tool_call" })
        #expect(call["tool_name"] as? String == "get_weather")
        #expect(call["args"] as? [String: String] == ["city": "Paris"])
        let result = try #require(events.first { $0["type"] as? String == "tool_result" })
        #expect((result["result"] as? [String: Any])?["temperature"] as? String == "72F", "\(result)")
        let done = try #require(events.last)
        let output = "\(done["output"] ?? "")"
        #expect(output.contains("Final answer:") && output.contains("72F"), "\(done)")
    }

    @Test func agentspanRunUsesOpenAIProviderAndSDKToolWorkers() async throws {
        let (report, stack) = try await agentspan("run")
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        let output = try #require(result["output"] as? [String: Any])
        #expect((output["result"] as? String)?.hasPrefix("Final answer:") == true, "\(output)")
        #expect("\(output["result"] ?? "")".contains("72F"))
        let calls = try #require(result["tool_calls"] as? [[String: Any]])
        #expect(calls.map { $0["name"] as? String } == ["get_weather"], "\(calls)")
        // The double saw the tool's result in the second turn: the SDK's worker really ran the tool.
        let requests = stack.openAIRequests
        #expect(requests.count == 2)
        let lastMessages = (requests.last?["body"] as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        #expect(lastMessages.last?["role"] as? String == "tool")
        let lastContent = "\(lastMessages.last?["content"] ?? "")"
        #expect(lastContent.contains("72F"))
    }

    @Test func agentspanStreamDeliversEachStep() async throws {
        let (report, _) = try await agentspan("stream")
        try expectWeatherEvents(events(report))
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
    }

    @Test func agentspanStartThenHandleStream() async throws {
        let (report, _) = try await agentspan("start")
        try expectWeatherEvents(events(report))
        #expect(events(report).allSatisfy { $0["execution_id"] as? String == report["execution_id"] as? String })
        let status = try #require(report["status"] as? [String: Any])
        #expect(status["is_complete"] as? Bool == true, "\(status)")
    }

    @Test func agentspanApproveRunsTheApprovalTool() async throws {
        let (report, _) = try await agentspan("approve")
        let events = events(report)
        let types = events.compactMap { $0["type"] as? String }
        let waiting = try #require(types.firstIndex(of: "waiting"), "\(events)")
        let call = try #require(types.firstIndex(of: "tool_call"), "\(events)")
        #expect(waiting < call, "the tool runs only after the approval: \(types)")
        #expect(types.last == "done", "\(types)")
        #expect(events[call]["tool_name"] as? String == "delete_file")
        let toolResult = try #require(events.first { $0["type"] as? String == "tool_result" })
        #expect((toolResult["result"] as? [String: Any])?["deleted"] as? String == "/tmp/report.txt", "\(toolResult)")
        let waitingStatus = try #require(report["waiting_status"] as? [String: Any])
        #expect(waitingStatus["is_waiting"] as? Bool == true, "\(waitingStatus)")
        let status = try #require(report["status"] as? [String: Any])
        #expect(status["is_complete"] as? Bool == true, "\(status)")
    }
}
