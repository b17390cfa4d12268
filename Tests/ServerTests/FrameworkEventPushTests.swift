import AsyncHTTPClient
import ConductorClient
import Engine
import Foundation
import NIOCore
import Testing
import Workflow

/// `POST /api/agent/events/{executionId}`: what a framework worker (the SDK's LangGraph, LangChain or Claude Agent
/// SDK worker, which runs a whole agent in one task) pushes joins the execution's stream, as on Agentspan.
struct FrameworkEventPushTests {
    /// Every frame of one SSE connection read to its end: `(id, type, data)`.
    static func read(_ http: HTTPClient, _ url: String) async throws -> [(id: Int, type: String, data: JSONValue)] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await http.execute(request, timeout: .seconds(120))
        var parser = SSEParser()
        var frames: [(id: Int, type: String, data: JSONValue)] = []
        for try await chunk in response.body {
            for frame in parser.feed(chunk.readableBytesView) {
                guard let id = frame.id.flatMap({ Int($0) }), let type = frame.event else { continue }
                frames.append((id, type, (try? JSONValue.parse(frame.data)) ?? .null))
            }
        }
        return frames
    }

    @Test func pushedEventsJoinTheStreamOfTheExecution() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let started: [String: JSONValue] = try await server.json(
            .POST, "/api/agent/start", body: try FrameworkAgentAPITests.request("langgraph_passthrough", prompt: "hello"))
        let id = try #require(started["executionId"]?.stringValue)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { Task { try? await http.shutdown() } }
        let live = Task { try await Self.read(http, "\(server.url)/api/agent/stream/\(id)") }

        let pushes: [JSONValue] = [
            ["type": "thinking", "content": "shout"],
            ["type": "tool_call", "toolName": "weather", "args": ["city": "Paris"]],
            ["type": "tool_result", "toolName": "weather", "result": ["temperature": "72F"]],
            ["type": "context_condensed", "trigger": "token_limit", "messagesBefore": 12, "messagesAfter": 4, "exchangesCondensed": 3],
            ["type": "subagent_start", "subWorkflowId": "child-1", "prompt": "look it up"],
            ["type": "subagent_stop", "agentId": "researcher", "result": "found it"],
            ["type": "telemetry", "content": "not a stream event"],
        ]
        for push in pushes {
            let (status, body) = try await server.request(.POST, "/api/agent/events/\(id)", body: push.jsonText())
            #expect(status == 200 && body.isEmpty, "\(push): \(status) \(body)")
        }
        let (unknown, _) = try await server.request(.POST, "/api/agent/events/no-such-execution", body: #"{"type":"thinking"}"#)
        #expect(unknown == 200, "an unknown execution is dropped, as on Agentspan")
        let (notObject, message) = try await server.request(.POST, "/api/agent/events/\(id)", body: "[1, 2]")
        #expect(notObject == 400 && message.contains("JSON object"), "\(message)")

        // The SDK's worker finishes the one task; the stream ends with done.
        var polled: ConductorTask?
        let deadline = ContinuousClock.now + .seconds(60)
        while polled == nil && ContinuousClock.now < deadline {
            let tasks: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/lg_memory?timeout=2000")
            polled = tasks.first
        }
        let task = try #require(polled)
        let result = TaskResult(workflowInstanceId: id, taskId: task.taskId, status: .completed, outputData: ["result": "HELLO!"])
        _ = try await server.request(.POST, "/api/tasks", body: try JSONValue.from(result).jsonText())

        let frames = try await live.value
        // The stream also has the events of the task itself (a tool call of lg_memory); the pushed ones are these.
        let pushedTypes: Set = ["thinking", "tool_call", "tool_result", "context_condensed", "subagent_start", "subagent_stop"]
        let pushed = frames.filter { pushedTypes.contains($0.type) && ($0.data["toolName"].isNull || $0.data["toolName"] == "weather") }
        #expect(pushed.map(\.type) == ["thinking", "tool_call", "tool_result", "context_condensed", "subagent_start", "subagent_stop"],
                "\(frames.map(\.type))")
        #expect(pushed.first { $0.type == "thinking" && $0.data["content"] == "shout" } != nil, "\(frames)")
        #expect(pushed.first { $0.type == "tool_call" }?.data["args"] == ["city": "Paris"])
        #expect(pushed.first { $0.type == "tool_result" }?.data["result"] == ["temperature": "72F"])
        let condensed = pushed.first { $0.type == "context_condensed" }?.data
        #expect(condensed?["content"] == "token_limit" && condensed?["messagesBefore"] == 12 && condensed?["exchangesCondensed"] == 3)
        #expect(pushed.first { $0.type == "subagent_start" }?.data["target"] == "child-1")
        let stop = pushed.first { $0.type == "subagent_stop" }?.data
        #expect(stop?["target"] == "researcher" && stop?["result"] == "found it")
        #expect(frames.last?.type == "done", "\(frames.map(\.type))")
        // Ids never go down, and the journal's own events keep 1, 2, 3 … (a pushed event repeats the id before it).
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.id <= $1.id }, "\(frames.map(\.id))")
        let derived = frames.filter { frame in !pushed.contains { $0.id == frame.id && $0.type == frame.type && $0.data == frame.data } }
        #expect(derived.map(\.id) == Array(1...derived.count), "\(frames.map { ($0.id, $0.type) })")

        // A connection after the end replays everything, pushed events included, and ends.
        let replay = try await Self.read(http, "\(server.url)/api/agent/stream/\(id)")
        #expect(replay.map(\.type) == frames.map(\.type))
    }
}
