import ConductorClient
import Foundation
import TestSupport
import Testing
import Workflow

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Messages to a running agent (`toolType: pull_workflow_messages`) through a real server process: Conductor's
/// `POST /api/workflow/{id}/messages`, `agentspanc send`, `respond` and `stop`, the stream's `waiting` and `message`
/// events, and the queue's order across a `kill -9` of the server.
@Suite(.serialized)
struct WorkflowMessageEndToEndTests {
    static let spec = TestEnvironment.packageRoot + "/Tests/EndToEndTests/Fixtures/wait_for_message.yaml"
    static let cassette = TestEnvironment.packageRoot + "/Tests/EndToEndTests/Fixtures/wait_for_message.cassette.yaml"

    /// A server playing the listener's cassette.
    static func stack() async throws -> LocalStack {
        let stack = try LocalStack(cassette: cassette)
        try await stack.startServer()
        return stack
    }

    /// Starts the listener agent and waits until it waits for a message; returns the execution id.
    static func startWaiting(_ stack: LocalStack) async throws -> String {
        let (code, out, err) = try await stack.cli(["start", spec, "Please read my inbox"])
        try #require(code == 0, "\(err)")
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = AgentClient(serverURL: stack.url)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let status = try? await client.status(executionID: id), status.isWaiting == true {
                #expect(status.pendingTool?["waitingFor"] == "message")
                #expect(status.pendingTool?["tool_name"] == "wait_for_message")
                return id
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the agent never waited for a message; server: \(stack.server?.stderr ?? "")")
        throw CancellationError()
    }

    /// Waits for the execution to end and returns it with its tasks.
    static func finished(_ stack: LocalStack, _ id: String) async throws -> WorkflowExecution {
        let client = ConductorClient(baseURL: stack.url)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let run = try await client.workflow(id: id)
            if run.status.isTerminal { return run }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("execution \(id) did not end")
        throw CancellationError()
    }

    /// The stream's events (`stream ID --json`), one JSON object each.
    static func events(_ stack: LocalStack, _ id: String) async throws -> [[String: Any]] {
        let (code, out, err) = try await stack.cli(["stream", id, "--json"])
        #expect(code == 0, "\(err)")
        return out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// A raw request: (status, content type, body).
    static func post(_ stack: LocalStack, _ path: String, body: String) async throws -> (Int, String, String) {
        var request = URLRequest(url: URL(string: stack.url + path)!)
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type") ?? "", String(decoding: data, as: UTF8.self))
    }

    static func errorMessage(_ body: String) -> String {
        ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["message"] as? String ?? ""
    }

    @Test func theMessagesEndpointAnswersAsConductorAndRefusesWhatItCannotQueue() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await Self.startWaiting(stack)
        let path = "/api/workflow/\(id)/messages"

        var (status, type, body) = try await Self.post(stack, path, body: #""just text""#)
        #expect(status == 400)
        #expect(Self.errorMessage(body).hasPrefix("body: expected a JSON object"), "\(body)")
        (status, _, body) = try await Self.post(stack, path, body: #"[{"text": "ok"}, 5]"#)
        #expect(status == 400)
        #expect(Self.errorMessage(body).hasPrefix("body[1]: expected a JSON object"), "\(body)")
        (status, _, body) = try await Self.post(stack, path, body: "{not json")
        #expect(status == 400)
        (status, _, body) = try await Self.post(stack, "/api/workflow/no-such-id/messages", body: #"{"text": "x"}"#)
        #expect(status == 404)
        #expect(Self.errorMessage(body).contains("no-such-id"))
        // Nothing of the refused requests reached the waiting agent.
        #expect(try await AgentClient(serverURL: stack.url).status(executionID: id).isWaiting == true)

        (status, type, body) = try await Self.post(stack, path, body: #"[{"text": "first"}, {"text": "second"}]"#)
        #expect(status == 200)
        #expect(type.hasPrefix("application/json"))
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String])
        #expect(ids.count == 2)

        let run = try await Self.finished(stack, id)
        #expect(run.status == .completed)
        let pull = try #require(run.tasks.first { $0.taskType == "PULL_WORKFLOW_MESSAGES" })
        #expect(pull.outputData["messages"]?.arrayValue?.map { $0["payload"]["text"] } == ["first", "second"])
        #expect(pull.outputData["messages"]?.arrayValue?.map { $0["id"].stringValue ?? "" } == ids)

        (status, type, body) = try await Self.post(stack, path, body: #"{"text": "too late"}"#)
        #expect(status == 409)
        #expect(type.hasPrefix("application/json"))
        #expect(Self.errorMessage(body).contains("COMPLETED"), "\(body)")
    }

    @Test func sendFromTheCLIReachesTheWaitingAgentAndTheStreamShowsTheWaitAndTheMessage() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await Self.startWaiting(stack)

        let (code, out, err) = try await stack.cli(["send", id, "Lunch moved to 1pm"])
        #expect(code == 0, "\(err)")
        #expect(UUID(uuidString: out.trimmingCharacters(in: .whitespacesAndNewlines)) != nil, "prints the message id: \(out)")

        let run = try await Self.finished(stack, id)
        #expect(run.status == .completed)
        #expect(run.output["result"] == "Thanks, I received your messages.")
        // The model's next turn read the message as the tool's result.
        let llm = run.tasks.filter { $0.taskType == "LLM_CHAT_COMPLETE" }
        try #require(llm.count == 2)
        let toolMessages = (llm[1].inputData["messages"]?.arrayValue ?? []).filter { $0["role"] == "tool" }
        #expect(toolMessages.count == 1)
        let toolText = toolMessages.first?["message"].stringValue ?? ""
        #expect(toolText.contains(#""payload":{"message":"Lunch moved to 1pm"}"#), "\(toolText)")

        let events = try await Self.events(stack, id)
        let types = events.compactMap { $0["type"] as? String }
        let waiting = try #require(types.firstIndex(of: "waiting"))
        let message = try #require(types.firstIndex(of: "message"), "\(types)")
        #expect(waiting < message)
        #expect(types.last == "done")
        #expect((events[waiting]["pendingTool"] as? [String: Any])?["waitingFor"] as? String == "message")
        #expect(events[message]["content"] as? String == "Lunch moved to 1pm")
        #expect(events[message]["toolName"] as? String == "wait_for_message")
    }

    @Test func sendReadsAFileAndABatchAndRefusesWhatItCannotSend() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let id = try await Self.startWaiting(stack)
        let file = try makeTemporaryDirectory() + "/batch.json"
        try #"[{"text": "from a file"}, "plain text too"]"#.write(toFile: file, atomically: true, encoding: .utf8)

        var (code, out, err) = try await stack.cli(["send", "no-such-execution", "hello"])
        #expect(code != 0)
        #expect(err.contains("no-such-execution"), "\(err)")
        (code, _, err) = try await stack.cli(["send", id, "@/no/such/file.json"])
        #expect(code != 0)
        #expect(err.contains("/no/such/file.json"), "\(err)")

        (code, out, err) = try await stack.cli(["send", id, "@" + file])
        #expect(code == 0, "\(err)")
        #expect(out.split(separator: "\n").count == 2, "one id per message: \(out)")
        let run = try await Self.finished(stack, id)
        let pull = try #require(run.tasks.first { $0.taskType == "PULL_WORKFLOW_MESSAGES" })
        #expect(pull.outputData["messages"]?.arrayValue?.map { $0["payload"] } == [["text": "from a file"], ["message": "plain text too"]])
    }

    @Test func respondAnswersAWaitingPullTaskThroughTheQueueAndStopWakesOne() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let answered = try await Self.startWaiting(stack)
        let (code, _, err) = try await stack.cli(["respond", answered, "--json", #"{"text": "via respond"}"#])
        #expect(code == 0, "\(err)")
        let run = try await Self.finished(stack, answered)
        #expect(run.status == .completed)
        let pull = try #require(run.tasks.first { $0.taskType == "PULL_WORKFLOW_MESSAGES" })
        #expect(pull.outputData["messages"]?.arrayValue?.first?["payload"] == ["text": "via respond"])

        let stopped = try await Self.startWaiting(stack)
        let (stopCode, _, stopErr) = try await stack.cli(["stop", stopped])
        #expect(stopCode == 0, "\(stopErr)")
        let ended = try await Self.finished(stack, stopped)
        #expect(ended.status == .completed)
        let woken = try #require(ended.tasks.first { $0.taskType == "PULL_WORKFLOW_MESSAGES" })
        #expect(woken.outputData["messages"]?.arrayValue?.first?["payload"] == ["_signal": "stop"])
        #expect(ended.tasks.filter { $0.taskType == "LLM_CHAT_COMPLETE" }.count == 1, "stopped after the iteration: no further model call")
    }

    @Test func queuedMessagesKeepTheirOrderAcrossAKilledServer() async throws {
        let stack = try await Self.stack()
        defer { Task { await stack.stopAll() } }
        let client = ConductorClient(baseURL: stack.url)
        // A worker task nobody polls holds the workflow before its pull task, so the messages stay queued.
        let def = try JSONValue.parse(
            """
            {"name": "held_inbox", "tasks": [
              {"name": "hold", "taskReferenceName": "hold", "type": "SIMPLE"},
              {"name": "inbox", "taskReferenceName": "inbox", "type": "PULL_WORKFLOW_MESSAGES", "inputParameters": {"batchSize": 3}}]}
            """).decode(WorkflowDef.self)
        let id = try await client.startWorkflow(StartWorkflowRequest(name: "held_inbox", workflowDef: def))
        for text in ["one", "two", "three", "four"] {
            _ = try await client.sendMessage(workflowID: id, ["text": .string(text)])
        }
        await stack.server?.kill9()
        try await stack.startServer()

        let hold = try #require(try await client.pollBatch(taskType: "hold", workerID: "test", count: 1, timeoutMs: 5000).first)
        try await client.updateTask(TaskResult(workflowInstanceId: id, taskId: hold.taskId, status: .completed, outputData: [:]))
        let run = try await Self.finished(stack, id)
        #expect(run.status == .completed)
        let inbox = try #require(run.tasks.first { $0.referenceTaskName == "inbox" })
        #expect(inbox.outputData["messages"]?.arrayValue?.map { $0["payload"]["text"] } == ["one", "two", "three"])
        #expect(inbox.outputData["count"] == 3)
    }
}
