import ConductorClient
import Engine
import Foundation
import Testing
import Workflow

/// `framework` + `rawConfig` over the agent API, with payloads the real agentspan SDK produced
/// (Tests/FrameworkImportTests/Fixtures): compiled, run to completion with a scripted model and this test as the SDK's
/// tool worker, and refused with the field's path where a field cannot be mapped.
struct FrameworkAgentAPITests {
    static func fixture(_ name: String) throws -> (framework: String, rawConfig: JSONValue) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FrameworkImportTests/Fixtures/\(name).json")
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
        return (try #require(document["framework"].stringValue), document["rawConfig"])
    }

    static func request(_ name: String, prompt: String? = nil) throws -> String {
        let (framework, raw) = try fixture(name)
        var body: [String: JSONValue] = ["framework": .string(framework), "rawConfig": raw]
        if let prompt { body["prompt"] = .string(prompt) }
        return JSONValue.object(body).jsonText()
    }

    @Test func openAIAgentRunsToCompletionWithItsToolServedByTheWorker() async throws {
        let server = try await TestServer.start(llm: ScriptedLLM(turns: [
            ChatResponse(text: "Checking.", toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])],
                         finishReason: "TOOL_CALLS"),
            ChatResponse(text: "72F in Paris.", finishReason: "STOP"),
        ]))
        defer { Task { await server.stop() } }
        let started: [String: JSONValue] = try await server.json(
            .POST, "/api/agent/start", body: try Self.request("openai_tools", prompt: "Weather in Paris?"))
        let id = try #require(started["executionId"]?.stringValue)
        #expect(started["agentName"] == "weather_desk")

        var polled: ConductorTask?
        let pollDeadline = ContinuousClock.now + .seconds(60)
        while polled == nil && ContinuousClock.now < pollDeadline {
            let tasks: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/get_weather?timeout=5000")
            polled = tasks.first
        }
        let task = try #require(polled, "the SDK's get_weather worker gets the call")
        #expect(task.inputData["city"] == "Paris")
        let result = TaskResult(
            workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .completed, outputData: ["temperature": "72F"])
        _ = try await server.request(.POST, "/api/tasks", body: try JSONValue.from(result).jsonText())

        let client = AgentClient(serverURL: server.url)
        var status = try await client.status(executionID: id)
        let deadline = ContinuousClock.now + .seconds(60)
        while !status.isComplete && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await client.status(executionID: id)
        }
        #expect(status.status == .completed, "\(status)")
        #expect(status.output?["result"] == "72F in Paris.")

        // Listed as an openai agent; its definition is the rawConfig as sent.
        let (_, list) = try await server.request(.GET, "/api/agent/list")
        let agents = try JSONDecoder().decode(JSONValue.self, from: Data(list.utf8)).arrayValue ?? []
        #expect(agents.first { $0["name"] == "weather_desk" }?["type"] == "openai", "\(list)")
        let definition: JSONValue = try await server.json(.GET, "/api/agent/weather_desk")
        #expect(definition["_type"] == "Agent" && definition["tools"].arrayValue?.first?["_worker_ref"] == "get_weather")
    }

    @Test func adkPipelineCompilesToASequentialWorkflow() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let compiled: [String: JSONValue] = try await server.json(.POST, "/api/agent/compile", body: try Self.request("adk_sequential"))
        let def = try #require(compiled["workflowDef"])
        #expect(def["name"] == "pipeline")
        #expect(def["metadata"]["agent_sdk"] == "google_adk")
        let text = def.jsonText()
        #expect(text.components(separatedBy: #""type":"SUB_WORKFLOW""#).count - 1 == 2, "one sub-workflow per stage")
        #expect(text.contains("Find the facts.") && text.contains("Write it up."), "each stage keeps its instruction")
    }

    @Test func passthroughAgentIsOneTaskOfTheSDKsWorker() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let deployed: [String: JSONValue] = try await server.json(.POST, "/api/agent/deploy", body: try Self.request("langgraph_passthrough"))
        #expect(deployed["requiredWorkers"] == ["lg_memory"])
        let compiled: [String: JSONValue] = try await server.json(.POST, "/api/agent/compile", body: try Self.request("langgraph_passthrough"))
        let tasks = compiled["workflowDef"]?["tasks"].arrayValue ?? []
        #expect(tasks.count == 1 && tasks.first?["name"] == "lg_memory" && tasks.first?["taskReferenceName"] == "_fw_task")
        let taskDef: [String: JSONValue] = try await server.json(.GET, "/api/metadata/taskdefs/lg_memory")
        #expect(taskDef["name"] == "lg_memory")
    }

    @Test(arguments: [
        ("openai_web_search", "rawConfig.tools[0]"), ("openai_input_guardrail", "rawConfig.input_guardrails"),
        ("adk_loop_unbounded", "rawConfig.max_iterations"),
        ("openai_handoff", "front_desk_transfer_to_billing"),
    ])
    func unmappableFieldsAreRefusedByPath(_ name: String, _ path: String) async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (status, body) = try await server.request(.POST, "/api/agent/start", body: try Self.request(name, prompt: "hi"))
        #expect(status == 400, "\(body)")
        #expect(body.contains(path), "\(body)")
        let (_, list) = try await server.request(.GET, "/api/agent/list")
        #expect(list == "[]", "nothing was registered: \(list)")
    }

    @Test func unknownFrameworkAndMissingRawConfig() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (status, body) = try await server.request(.POST, "/api/agent/compile", body: #"{"framework":"crewai","rawConfig":{}}"#)
        #expect(status == 400 && body.contains("unknown framework 'crewai'"), "\(body)")
        let (missing, text) = try await server.request(.POST, "/api/agent/compile", body: #"{"framework":"openai"}"#)
        #expect(missing == 400 && text.contains("rawConfig is required"), "\(text)")
    }

    /// A Vercel AI agent and a skill compile like any agent; the SDK's workers serve their tools.
    @Test func vercelAIAndSkillAgentsCompile() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let vercel: JSONValue = [
            "framework": "vercel_ai",
            "rawConfig": ["name": "helper", "model": "gpt-4o", "system": "Be brief.", "tools": ["lookup": ["_worker_ref": "lookup", "description": "Look up"]]],
        ]
        let compiled: [String: JSONValue] = try await server.json(.POST, "/api/agent/compile", body: vercel.jsonText())
        #expect(compiled["workflowDef"]?["name"] == "helper" && compiled["workflowDef"]?["metadata"]["agent_sdk"] == "vercel_ai")
        #expect(compiled["workflowDef"]?.jsonText().contains("Be brief.") == true)
        let skill: [String: JSONValue] = try await server.json(.POST, "/api/agent/deploy", body: try Self.request("skill_greeter"))
        #expect(skill["agentName"] == "greeter")
        for worker in ["greeter__shout", "greeter__read_skill_file"] {
            let taskDef: [String: JSONValue] = try await server.json(.GET, "/api/metadata/taskdefs/\(worker)")
            #expect(taskDef["name"] == .string(worker))
        }
        let (status, body) = try await server.request(
            .POST, "/api/agent/compile", body: #"{"framework":"vercel_ai","rawConfig":{"name":"x","onFinish":{"_worker_ref":"cb"}}}"#)
        #expect(status == 400 && body.contains("rawConfig.onFinish"), "\(body)")
    }
}
