import AsyncHTTPClient
import NIOHTTP1
import Engine
import Foundation
import Server
import Testing
import Workflow

/// The Conductor metadata, workflow and task APIs over a real socket.
@Suite struct ConductorAPITests {
    static let oneTaskWorkflow = """
        {"name":"greet","version":1,"tasks":[{"name":"say_hello","taskReferenceName":"hello","type":"SIMPLE",
         "inputParameters":{"who":"${workflow.input.who}"}}],
         "outputParameters":{"greeting":"${hello.output.text}"}}
        """

    @Test func healthAnswers() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (status, body) = try await server.request(.GET, "/health")
        #expect(status == 200)
        #expect(body.contains("UP"))
    }

    @Test func workflowRunsThroughPollAndUpdate() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (registered, text) = try await server.request(.POST, "/api/metadata/workflow", body: Self.oneTaskWorkflow)
        #expect(registered == 200, "\(text)")
        let (started, id) = try await server.request(.POST, "/api/workflow/greet", body: #"{"who":"Ada"}"#)
        #expect(started == 200)

        let tasks: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/say_hello?count=5&timeout=1000&workerid=w1")
        let task = try #require(tasks.first)
        #expect(task.inputData["who"] == "Ada")
        #expect(task.workflowInstanceId == id)

        let result = TaskResult(workflowInstanceId: id, taskId: task.taskId, status: .completed, outputData: ["text": "Hello, Ada"])
        let (updated, updateBody) = try await server.request(.POST, "/api/tasks", body: try JSONValue.from(result).jsonText())
        #expect(updated == 200)
        #expect(updateBody == task.taskId)
        // A duplicate, late update is harmless.
        let (again, _) = try await server.request(.POST, "/api/tasks", body: try JSONValue.from(result).jsonText())
        #expect(again == 200)

        let workflow: WorkflowExecution = try await server.json(.GET, "/api/workflow/\(id)")
        #expect(workflow.status == .completed)
        #expect(workflow.output["greeting"] == "Hello, Ada")
    }

    @Test func longPollWakesAsSoonAsATaskIsQueued() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        _ = try await server.request(.POST, "/api/metadata/workflow", body: Self.oneTaskWorkflow)
        async let polled: [ConductorTask] = server.json(.GET, "/api/tasks/poll/batch/say_hello?timeout=5000")
        try await Task.sleep(for: .milliseconds(300))
        _ = try await server.request(.POST, "/api/workflow/greet", body: #"{"who":"Grace"}"#)
        let tasks = try await polled
        #expect(tasks.count == 1)
        // Measured on the server's clock, so a slow client cannot blur it: handed out as soon as it was scheduled,
        // not when the 5 s long poll timed out.
        let task = try #require(tasks.first)
        let waited = (task.startTime ?? 0) - (task.scheduledTime ?? 0)
        #expect(waited >= 0 && waited < 2_000, "the long poll must return when the task arrives, not at its timeout (\(waited) ms)")
    }

    @Test func emptyPollAnswers204AndBatchAnswersEmptyList() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (single, _) = try await server.request(.GET, "/api/tasks/poll/nobody_polls_this")
        #expect(single == 204)
        let (batch, body) = try await server.request(.GET, "/api/tasks/poll/batch/nobody_polls_this?timeout=50")
        #expect(batch == 200)
        #expect(body == "[]")
        let (tooLong, message) = try await server.request(.GET, "/api/tasks/poll/batch/x?timeout=6000")
        #expect(tooLong == 400)
        #expect(message.contains("5 seconds"))
    }

    @Test func badInputGetsAJSONErrorWithTheRightStatus() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (malformed, body) = try await server.request(.POST, "/api/metadata/workflow", body: "{not json")
        #expect(malformed == 400)
        #expect(body.contains("\"message\""))
        let (wrongType, typeBody) = try await server.request(.POST, "/api/metadata/taskdefs", body: #"{"name":"x"}"#)
        #expect(wrongType == 400, "a single object where a list is expected: \(typeBody)")
        let (unknown, _) = try await server.request(.GET, "/api/workflow/does-not-exist")
        #expect(unknown == 404)
        let (unknownTask, _) = try await server.request(.GET, "/api/tasks/does-not-exist")
        #expect(unknownTask == 404)
        let (noTasks, _) = try await server.request(.POST, "/api/metadata/workflow", body: #"{"name":"empty","tasks":[]}"#)
        #expect(noTasks == 400)
        let huge = "{\"name\":\"" + String(repeating: "x", count: 17 * 1024 * 1024) + "\",\"tasks\":[]}"
        let (tooLarge, _) = try await server.request(.POST, "/api/metadata/workflow", body: huge)
        #expect(tooLarge == 413)
        let (emptyID, _) = try await server.request(.POST, "/api/tasks", body: #"{"taskId":"","workflowInstanceId":""}"#)
        #expect(emptyID == 400)
        // The server still works after all that.
        let (health, _) = try await server.request(.GET, "/health")
        #expect(health == 200)
    }

    @Test func apiKeyIsRequiredWhenConfigured() async throws {
        let server = try await TestServer.start(apiKey: "s3cret")
        defer { Task { await server.stop() } }
        let (health, _) = try await server.request(.GET, "/health")
        #expect(health == 200)
        let (denied, _) = try await server.request(.GET, "/api/metadata/taskdefs")
        #expect(denied == 401)
        let (wrong, _) = try await server.request(.GET, "/api/metadata/taskdefs", headers: [("Authorization", "Bearer nope")])
        #expect(wrong == 401)
        let (bearer, _) = try await server.request(.GET, "/api/metadata/taskdefs", headers: [("Authorization", "Bearer s3cret")])
        #expect(bearer == 200)
        let (xauth, _) = try await server.request(.GET, "/api/metadata/taskdefs", headers: [("X-Authorization", "s3cret")])
        #expect(xauth == 200)
    }

    @Test func refusesToBindBeyondLoopbackWithoutAKey() throws {
        #expect(throws: ServerConfigurationError.self) {
            _ = try AgentspancServer(configuration: .init(host: "0.0.0.0", llm: ScriptedLLM(turns: [])))
        }
        _ = try AgentspancServer(configuration: .init(host: "0.0.0.0", apiKey: "k", llm: ScriptedLLM(turns: [])))
        _ = try AgentspancServer(configuration: .init(host: "127.0.0.1", llm: ScriptedLLM(turns: [])))
    }
}
