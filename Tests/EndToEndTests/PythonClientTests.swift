import Foundation
import Testing

/// The real Python clients from PyPI against a real `agentspanc server` process: conductor-python 2.0.0 workers,
/// and the agentspan 0.2.0 SDK with its own `@tool` workers and the OpenAI provider pointed at a local double.
@Suite(.serialized)
struct PythonClientTests {
    // MARK: conductor-python

    /// Four SIMPLE tasks served by `conductor_worker.py`; the output gathers what each one produced.
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
                    "name": "py_flaky", "taskReferenceName": "flaky_ref", "type": "SIMPLE",
                    "inputParameters": ["name": "${workflow.input.name}"],
                ],
                [
                    "name": "py_shout", "taskReferenceName": "shout_ref", "type": "SIMPLE",
                    "inputParameters": ["text": "${greet_ref.output.greeting}", "times": "${workflow.input.times}"],
                ],
                [
                    "name": "py_progress", "taskReferenceName": "progress_ref", "type": "SIMPLE",
                    "inputParameters": ["name": "${workflow.input.name}"],
                ],
            ],
            "outputParameters": [
                "message": "${shout_ref.output.shouted}", "length": "${shout_ref.output.length}",
                "retried": "${flaky_ref.output.retried}", "polls": "${progress_ref.output.polls}",
            ],
        ]
    }

    @Test func conductorPythonWorkersCompleteWorkflows() async throws {
        let stack = try PythonStack(python: try await PythonClients.interpreter())
        try await stack.startServer()
        try await stack.stoppingAfterwards { try await conductorScenario(stack) }
    }

    private func conductorScenario(_ stack: PythonStack) async throws {
        let taskDefs: [[String: Any]] = ["py_greet", "py_flaky", "py_shout", "py_progress"].map {
            [
                "name": $0, "retryCount": 1, "retryLogic": "FIXED", "retryDelaySeconds": 0, "responseTimeoutSeconds": 30,
                "ownerEmail": "test@example.com",
            ]
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
            #expect(output["retried"] as? Int == 1, "\(output)")
            #expect((output["polls"] as? Int ?? 0) >= 2, "\(output)")
            let tasks = try #require(workflow["tasks"] as? [[String: Any]])
            let refs = tasks.compactMap { $0["referenceTaskName"] as? String }
            #expect(refs == ["greet_ref", "flaky_ref", "flaky_ref", "shout_ref", "progress_ref"], "\(refs)")
            #expect(tasks.allSatisfy { ($0["workerId"] as? String ?? "").isEmpty == false }, "workers report their id")
            // The exception became a FAILED attempt carrying its message; the retry completed.
            let flaky = tasks.filter { $0["referenceTaskName"] as? String == "flaky_ref" }
            #expect(flaky.map { $0["status"] as? String } == ["FAILED", "COMPLETED"])
            #expect((flaky.first?["reasonForIncompletion"] as? String)?.contains("flaky first attempt") == true, "\(flaky)")
            // IN_PROGRESS with callbackAfterSeconds kept the same task and handed it out again.
            let progress = try #require(tasks.last)
            #expect((progress["pollCount"] as? Int ?? 0) >= 2, "\(progress)")
        }
        // `register_task_def=True` made the worker (re)register its task definition through the metadata API.
        #expect(try await stack.http("GET", "/api/metadata/taskdefs/py_greet").0 == 200)
    }

    // MARK: agentspan SDK

    /// Runs one scenario of `agentspan_client.py` against a server whose OpenAI provider is the local double;
    /// with `apiKey`, the server requires it and the SDK is given it as `AGENTSPAN_API_KEY`.
    private func agentspan(_ mode: String, apiKey: String? = nil) async throws -> (report: [String: Any], stack: PythonStack) {
        let stack = try PythonStack(python: try await PythonClients.interpreter())
        let environment = [
            "AGENTSPAN_SERVER_URL": stack.apiURL, "AGENTSPAN_AUTO_START_SERVER": "false", "AGENTSPAN_LOG_LEVEL": "WARNING",
            "AGENTSPAN_API_KEY": apiKey ?? "",
        ]
        let (code, out, err) = try await stack.stoppingAfterwards {
            try await stack.startOpenAIDouble()
            try await stack.startServer(apiKey.map { ["--api-key", $0] } ?? [])
            return try await stack.runScript("agentspan_client.py", [mode], environment: environment, timeout: .seconds(120))
        }
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
        // Delivered live: the model's words reached the SDK while the (1 s) tool was still running, not in one
        // burst at the end, which is what happens when the server does not flush each event as it goes.
        let thinkingAt = try #require(thinking["received"] as? Double)
        let doneAt = try #require(done["received"] as? Double)
        #expect(doneAt - thinkingAt >= 0.5, "thinking at \(thinkingAt), done at \(doneAt)")
    }

    @Test func agentspanRunUsesOpenAIProviderAndSDKToolWorkers() async throws {
        let (report, stack) = try await agentspan("run")
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        let output = try #require(result["output"] as? [String: Any])
        let answer = output["result"] as? String ?? ""
        #expect(answer.hasPrefix("Final answer:") && answer.contains("72F"), "\(output)")
        let calls = try #require(result["tool_calls"] as? [[String: Any]])
        #expect(calls.map { $0["name"] as? String } == ["get_weather"], "\(calls)")
        // Token usage the SDK collects from the execution: two model calls of 11 + 7 tokens each.
        let usage = try #require(result["token_usage"] as? [String: Any], "\(result)")
        #expect(usage["prompt_tokens"] as? Int == 22 && usage["completion_tokens"] as? Int == 14, "\(usage)")
        #expect(usage["total_tokens"] as? Int == 36, "\(usage)")
        // The double saw the tool's result in the second turn: the SDK's worker really ran the tool.
        let requests = stack.openAIRequests
        #expect(requests.count == 2)
        let lastMessages = (requests.last?["body"] as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        #expect(lastMessages.last?["role"] as? String == "tool")
        let toolMessage = "\(lastMessages.last?["content"] ?? "")"
        #expect(toolMessage.contains("72F"), "\(lastMessages)")
    }

    /// The SDK's `image_tool` and `pdf_tool`: the server generates the image through the OpenAI double's images API
    /// and renders the PDF itself; the model's next turn quotes the stored file's location.
    @Test func agentspanMediaToolsRunOnTheServer() async throws {
        let (report, stack) = try await agentspan("media")
        // What the model saw is the task's `result`: `{location, mimeType, sizeBytes}`, for a PDF (as Conductor's)
        // `{location, sizeBytes}`.
        for (key, quoted) in [("image", "\"mimeType\":\"image/png\""), ("pdf", "\"sizeBytes\":")] {
            let result = try #require(report[key] as? [String: Any], "\(report)")
            #expect(result["status"] as? String == "COMPLETED", "\(result)")
            let answer = (result["output"] as? [String: Any])?["result"] as? String ?? ""
            #expect(answer.contains("\"location\":\"/api/media/") && answer.contains(quoted), "\(key): \(answer)")
        }
        let images = stack.openAIRequests.filter { ($0["path"] as? String)?.hasSuffix("/images/generations") == true }
        #expect(images.count == 1)
        let body = images.first?["body"] as? [String: Any]
        #expect(body?["model"] as? String == "dall-e-3")
        #expect(body?["prompt"] as? String == "a lighthouse at dusk")
    }

    /// A `@tool` that raises on every attempt: its error reaches the model's next turn (the double quotes the tool
    /// message it got) and the run completes with that answer.
    @Test func agentspanToolThatAlwaysFailsStillGetsTheModelsAnswer() async throws {
        let (report, stack) = try await agentspan("failing")
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        let answer = (result["output"] as? [String: Any])?["result"] as? String ?? ""
        #expect(answer.hasPrefix("Final answer:") && answer.contains("order database unreachable"), "\(result)")
        let requests = stack.openAIRequests
        #expect(requests.count == 2)
        let lastMessages = (requests.last?["body"] as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        #expect(lastMessages.last?["role"] as? String == "tool")
        let toolText = "\(lastMessages.last?["content"] ?? "")"
        #expect(toolText.contains("FAILED"), "\(lastMessages)")
    }

    /// The SDK's `wait_for_message_tool` and `send_message`: the agent waits (a `waiting` event), the message
    /// reaches it through Conductor's message endpoint, and the model's next turn reads it.
    @Test func agentspanSendMessageReachesAWaitingAgent() async throws {
        let (report, stack) = try await agentspan("messages")
        let status = try #require(report["status"] as? [String: Any])
        #expect(status["status"] as? String == "COMPLETED", "\(report)")
        let types = events(report).compactMap { $0["type"] as? String }
        #expect(types.contains("waiting") && types.last == "done", "\(types)")
        let answer = (status["output"] as? [String: Any])?["result"] as? String ?? ""
        #expect(answer.contains("Lunch moved to 1pm"), "\(status)")
        #expect(stack.openAIRequests.count == 2)
    }

    /// `plan` and `deploy` go through the agent API; `run` by name then starts the deployed definition with
    /// Conductor's `POST /api/workflow`, its tool served by `serve(agent, blocking=False)`.
    @Test func agentspanDeployThenRunByName() async throws {
        let (report, _) = try await agentspan("deploy")
        let plan = try #require(report["plan"] as? [String: Any])
        #expect(plan["name"] as? String == "py_weather_agent")
        #expect(report["deployed"] as? [String] == ["py_weather_agent"])
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        let calls = try #require(result["tool_calls"] as? [[String: Any]])
        #expect(calls.map { $0["name"] as? String } == ["get_weather"], "\(calls)")
    }

    /// A sequential pipeline: each sub-agent's hand-off, reasoning and tool events reach the parent's stream.
    @Test func agentspanSequentialSubAgentsStreamThroughTheParent() async throws {
        let (report, _) = try await agentspan("sequential")
        let events = events(report)
        let summary = events.map { "\($0["type"] ?? "")" + (($0["target"] as? String).map { ":" + $0 } ?? "") }
        #expect(
            summary == ["handoff:py_researcher", "thinking", "tool_call", "tool_result", "handoff:py_writer", "done"],
            "\(events)")
        let call = try #require(events.first { $0["type"] as? String == "tool_call" })
        #expect(call["tool_name"] as? String == "get_weather")
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
    }

    /// The approval tool belongs to a sub-agent: the SDK sees the sub-agent's `waiting` on the parent's stream and
    /// approves with the root id, which the server resolves to the sub-workflow's HUMAN task.
    @Test func agentspanApprovesASubAgentsTool() async throws {
        let (report, _) = try await agentspan("nested-approve")
        let events = events(report)
        let types = events.compactMap { $0["type"] as? String }
        #expect(types == ["handoff", "thinking", "waiting", "tool_call", "tool_result", "handoff", "done"], "\(events)")
        #expect(events.first { $0["type"] as? String == "tool_call" }?["tool_name"] as? String == "delete_file")
        #expect(report["status"] as? String == "COMPLETED", "\(report)")
    }

    /// A second start with the same idempotency key returns the first execution; nothing runs twice.
    @Test func agentspanIdempotentStartAndJoin() async throws {
        let (report, stack) = try await agentspan("idempotent")
        let ids = try #require(report["ids"] as? [String])
        #expect(ids.count == 2 && ids[0] == ids[1], "\(ids)")
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
        #expect(stack.openAIRequests.count == 2, "one execution: two model calls")
    }

    /// The async API: `stream_async` reads SSE through httpx, `run_async` polls status.
    @Test func agentspanAsyncStreamAndRun() async throws {
        let (report, _) = try await agentspan("async")
        try expectWeatherEvents(events(report))
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["status"] as? String == "COMPLETED", "\(result)")
    }

    /// An execution waiting for approval is paused, resumed, signalled, stopped and cancelled through the SDK.
    @Test func agentspanExecutionControls() async throws {
        let (report, _) = try await agentspan("controls")
        let seen = try #require(report["seen"] as? [String: Any])
        #expect(seen["waiting"] as? Bool == true, "\(seen)")
        #expect(seen["paused"] as? String == "PAUSED", "\(seen)")
        #expect(seen["resumed"] as? String == "RUNNING", "\(seen)")
        #expect(seen["cancelled"] as? String == "TERMINATED", "\(seen)")
        #expect(seen["reason"] as? String == "done testing", "\(seen)")
    }

    /// With `--api-key`, the SDK's agent API calls send the key and its conductor-python workers exchange it at
    /// `POST /api/token` before polling.
    @Test func agentspanStreamWithAPIKey() async throws {
        let (report, _) = try await agentspan("stream", apiKey: "py-s3cret")
        try expectWeatherEvents(events(report))
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

    /// The server is killed (-9) while the SDK streams and its worker runs the tool, then restarted: the worker's
    /// result is accepted, the SDK's stream reconnects with `Last-Event-ID`, and every event arrives exactly once.
    @Test func agentspanStreamSurvivesAServerRestart() async throws {
        let stack = try PythonStack(python: try await PythonClients.interpreter())
        let marker = stack.dataDirectory + "/first-event"
        let environment = [
            "AGENTSPAN_SERVER_URL": stack.apiURL, "AGENTSPAN_AUTO_START_SERVER": "false", "AGENTSPAN_LOG_LEVEL": "WARNING",
            "AGENTSPAN_API_KEY": "", "AGENTSPANC_MARKER": marker,
        ]
        let (code, out, err) = try await stack.stoppingAfterwards {
            try await stack.startOpenAIDouble()
            try await stack.startServer()
            let client = try stack.startScript("agentspan_client.py", ["restart"], environment: environment)
            let deadline = ContinuousClock.now + .seconds(60)
            while !FileManager.default.fileExists(atPath: marker), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(FileManager.default.fileExists(atPath: marker), "no first event; stderr:\n\(client.stderr)")
            await stack.server?.kill9()
            try await stack.startServer()
            return await stack.finish(client, timeout: .seconds(120))
        }
        #expect(code == 0, "exit \(code.map(String.init) ?? "timeout")\nstdout:\n\(out)\nstderr:\n\(err.suffix(6000))")
        let report = try #require(out.lastJSONLine, "no report; stderr:\n\(err.suffix(6000))")
        let events = events(report)
        #expect(events.compactMap { $0["type"] as? String } == ["thinking", "tool_call", "tool_result", "done"], "\(events)")
        let status = try #require(report["status"] as? [String: Any])
        #expect(status["status"] as? String == "COMPLETED", "\(status)")
        let output = "\(status["output"] ?? "")"
        #expect(output.contains("72F"), "\(status)")
        // The SDK noticed the dropped stream and reconnected (its own log line, agentspan 0.2.0).
        #expect(err.contains("SSE connection lost"), "\(err.suffix(3000))")
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

    @Test func agentspanRejectEndsTheRunWithoutTheTool() async throws {
        let (report, stack) = try await agentspan("reject")
        let types = events(report).compactMap { $0["type"] as? String }
        #expect(types == ["thinking", "waiting", "done"], "the rejected tool never runs: \(events(report))")
        let status = try #require(report["status"] as? [String: Any])
        #expect(status["status"] as? String == "COMPLETED", "\(status)")
        let output = try #require(status["output"] as? [String: Any])
        #expect(output["rejectionReason"] as? String == "not that file", "\(output)")
        // The agent API reports finishReason "rejected", which the SDK's run() turns into is_rejected (its stream
        // result always says STOP for a done event; see AgentOutput).
        #expect(output["finishReason"] as? String == "rejected", "\(output)")
        // The model was asked once: the rejection ended the run before any tool result went back to it.
        #expect(stack.openAIRequests.count == 1)
    }
}
