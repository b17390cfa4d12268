import AsyncHTTPClient
import ConductorClient
import Engine
import Foundation
import NIOCore
import NIOHTTP1
import Server
import Testing
import Workflow

/// The API the dashboard reads (docs/api.md): the execution search, the server-wide live feed, the agent outline,
/// and the page itself.
@Suite struct DashboardAPITests {
    static let pipeline: JSONValue = [
        "name": "pipeline", "strategy": "sequential",
        "agents": [
            ["name": "first", "model": "openai/gpt-4o", "instructions": "Write one line."],
            ["name": "second", "model": "anthropic/claude-sonnet-4", "instructions": "Improve the line."],
        ],
    ]
    static let answer = ChatResponse(text: "A line.", finishReason: "STOP", promptTokens: 10, completionTokens: 5)
    static let llm = ScriptedLLM(turns: [answer, answer, answer])

    /// Starts the pipeline with `prompt` and waits for its end.
    static func run(_ client: AgentClient, _ prompt: String) async throws -> String {
        let started = try await client.start(AgentStartRequest(agentConfig: pipeline, prompt: prompt))
        let id = try #require(started.executionId)
        for try await _ in client.events(executionID: id) {}
        return id
    }

    static func search(_ server: TestServer, _ query: String) async throws -> JSONValue {
        let (status, text) = try await server.request(.GET, "/api/agent/executions/search?" + query)
        #expect(status == 200, "\(query): \(text)")
        return try JSONValue.parse(text)
    }

    @Test func conductorSearchReportsTheTotalNotThePageSize() async throws {
        let server = try await TestServer.start(llm: Self.llm)
        defer { Task { await server.stop() } }
        let client = AgentClient(serverURL: server.url)
        let ids = [try await Self.run(client, "one"), try await Self.run(client, "two"), try await Self.run(client, "three")]
        let page: JSONValue = try JSONValue.parse(
            try await server.request(.GET, "/api/workflow/search?workflowType=pipeline&size=2&start=1").1)
        #expect(page["totalHits"] == 3, "all matches, as Conductor counts them, not the 2 on the page")
        #expect(page["results"].arrayValue?.compactMap { $0["workflowId"].stringValue } == [ids[1], ids[0]])
        let agents: JSONValue = try JSONValue.parse(
            try await server.request(.GET, "/api/agent/executions?agentName=pipeline&size=1").1)
        #expect(agents["totalHits"] == 3)
        #expect(agents["results"].arrayValue?.count == 1)
    }

    @Test func searchFiltersPagesAndSumsTokensThroughSubAgents() async throws {
        let server = try await TestServer.start(llm: Self.llm)
        defer { Task { await server.stop() } }
        let client = AgentClient(serverURL: server.url)
        let ids = [
            try await Self.run(client, "alpha one\nsecond line"), try await Self.run(client, "beta two"),
            try await Self.run(client, "alpha three"),
        ]

        let roots = try await Self.search(server, "rootOnly=true")
        #expect(roots["totalHits"] == 3)
        #expect(roots["results"].arrayValue?.compactMap { $0["executionId"].stringValue } == ids.reversed(), "newest first")
        let newest = roots["results"].arrayValue?.first ?? .null
        #expect(newest["promptFirstLine"] == "alpha three")
        #expect(newest["status"] == "COMPLETED")
        #expect(newest["tokens"] == ["promptTokens": 20, "completionTokens": 10, "totalTokens": 30], "both sub-agents' calls count")
        #expect(newest["models"] == ["anthropic/claude-sonnet-4", "openai/gpt-4o"])
        #expect(newest["subExecutions"] == 2)
        #expect(newest["parentExecutionId"] == .null)
        #expect((newest["durationMs"].intValue ?? -1) >= 0)

        let all = try await Self.search(server, "rootOnly=false&size=100")
        #expect(all["totalHits"] == 9, "three runs and their six sub-agent executions")
        let sub = all["results"].arrayValue?.first { $0["parentExecutionId"] != .null }
        #expect(sub?["tokens"]["totalTokens"] == 15)
        #expect(sub?["rootExecutionId"].stringValue.map(ids.contains) == true)

        let page = try await Self.search(server, "rootOnly=true&start=2&size=2")
        #expect(page["totalHits"] == 3)
        #expect(page["results"].arrayValue?.compactMap { $0["executionId"].stringValue } == [ids[0]])
        #expect(try await Self.search(server, "rootOnly=true&q=ALPHA")["totalHits"] == 2, "free text, case-insensitive")
        #expect(try await Self.search(server, "rootOnly=true&q=50%25")["totalHits"] == 0, "% is matched literally")
        #expect(try await Self.search(server, "status=COMPLETED,FAILED&rootOnly=true")["totalHits"] == 3)
        #expect(try await Self.search(server, "status=RUNNING")["totalHits"] == 0)
        #expect(try await Self.search(server, "agent=pipeline&rootOnly=true")["totalHits"] == 3)
        #expect(try await Self.search(server, "agent=other")["totalHits"] == 0)
        let now = Int(Date().timeIntervalSince1970 * 1000)
        #expect(try await Self.search(server, "rootOnly=true&from=\(now + 60_000)")["totalHits"] == 0)
        #expect(try await Self.search(server, "rootOnly=true&to=\(now + 60_000)")["totalHits"] == 3)
        #expect(try await Self.search(server, "ids=\(ids[1]),\(ids[2])")["totalHits"] == 2)

        let (bad, text) = try await server.request(.GET, "/api/agent/executions/search?status=DONE")
        #expect(bad == 400)
        #expect(text.contains("status: unknown status 'DONE'"), "\(text)")
        let (badSize, sizeText) = try await server.request(.GET, "/api/agent/executions/search?size=0")
        #expect(badSize == 400 && sizeText.contains("size"), "\(sizeText)")
        let (badFrom, fromText) = try await server.request(.GET, "/api/agent/executions/search?from=yesterday")
        #expect(badFrom == 400 && fromText.contains("from: expected an integer"), "\(fromText)")
    }

    /// The weather agent's two turns when it has tools, the pipeline's one answer when it has none.
    struct MixedLLM: LLMProvider {
        func complete(_ request: ChatRequest) async throws -> ChatResponse {
            request.tools.isEmpty ? DashboardAPITests.answer : try await AgentAPITests.llm.complete(request)
        }
    }

    @Test func liveFeedPushesEachChangedExecutionWithItsSummary() async throws {
        let server = try await TestServer.start(llm: MixedLLM())
        defer { Task { await server.stop() } }
        var request = HTTPClientRequest(url: server.url + "/api/agent/events")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
        let (rows, sink) = AsyncStream<JSONValue>.makeStream()
        let reader = Task {
            var buffer = ""
            for try await chunk in response.body {
                buffer += String(buffer: chunk)
                while let end = buffer.range(of: "\n\n") {
                    let frame = String(buffer[..<end.lowerBound])
                    buffer = String(buffer[end.upperBound...])
                    guard frame.hasPrefix("event:execution\ndata:") else { continue }
                    sink.yield(try JSONValue.parse(String(frame.dropFirst("event:execution\ndata:".count))))
                }
            }
        }
        defer { reader.cancel() }
        var iterator = rows.makeAsyncIterator()
        func next(_ matching: (JSONValue) -> Bool) async -> JSONValue? {
            while let row = await iterator.next() { if matching(row) { return row } }
            return nil
        }
        // The subscription is registered before the run starts.
        try await Task.sleep(for: .milliseconds(200))
        let client = AgentClient(serverURL: server.url)
        let started = try await client.start(AgentStartRequest(agentConfig: AgentAPITests.agent, prompt: "Weather in Paris?"))
        let id = try #require(started.executionId)
        let running = await next { $0["executionId"].stringValue == id }
        #expect(running?["status"] == "RUNNING", "the start is pushed while the run waits for its tool")
        #expect(running?["agentName"] == "weather")

        let tasks: [ConductorTask] = try await server.json(.GET, "/api/tasks/poll/batch/get_weather?timeout=5000")
        let task = try #require(tasks.first)
        let result = TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .completed, outputData: ["t": "21°C"])
        _ = try await server.request(.POST, "/api/tasks", body: try JSONValue.from(result).jsonText())
        let completed = await next { $0["executionId"].stringValue == id && $0["status"] == "COMPLETED" }
        #expect(completed?["tokens"] == ["promptTokens": 30, "completionTokens": 12, "totalTokens": 42], "the end, with its token sums")

        let pipeline = try await Self.run(client, "delta")
        let sub = await next { $0["rootExecutionId"].stringValue == pipeline && $0["parentExecutionId"] != .null }
        #expect(sub != nil, "sub-agent executions are pushed too")
        let root = await next { $0["executionId"].stringValue == pipeline && $0["status"] == "COMPLETED" }
        #expect(root?["tokens"]["totalTokens"] == 30, "a root's sums include its sub-agents")
    }

    @Test func agentOutlineSaysWhatEachToolMayReach() async throws {
        let server = try await TestServer.start(llm: Self.llm)
        defer { Task { await server.stop() } }
        let agent: JSONValue = [
            "name": "fetcher", "model": "openai/gpt-4o", "instructions": "Fetch.",
            "tools": [["name": "status_page", "description": "Reads the status page", "toolType": "http",
                       "config": ["url": "https://status.example.com/api", "method": "GET"], "inputSchema": ["type": "object"]]],
        ]
        let (deployed, text) = try await server.request(.POST, "/api/agent/deploy", body: JSONValue.object(["agentConfig": agent]).jsonText())
        #expect(deployed == 200, "\(text)")
        let plan = try JSONValue.parse(try await server.request(.GET, "/api/agent/fetcher/plan").1)
        #expect(plan["name"] == "fetcher")
        #expect(plan["models"] == ["openai/gpt-4o"])
        #expect(plan["lines"].arrayValue?.contains { $0.stringValue?.contains("status_page") == true } == true, "\(plan)")
        #expect(plan["hosts"].arrayValue?.contains("status.example.com") == true, "\(plan)")
        let (missing, missingText) = try await server.request(.GET, "/api/agent/nobody/plan")
        #expect(missing == 404 && missingText.contains("Agent not found: nobody"))
    }

    @Test func outlineShowsWhatTheRegisteringWorkerRunsAndWhoPolled() async throws {
        let server = try await TestServer.start(llm: Self.llm)
        defer { Task { await server.stop() } }
        let agent: JSONValue = [
            "name": "ops", "model": "openai/gpt-4o", "instructions": "Check.",
            "tools": [["name": "check_service", "description": "Checks a service", "inputSchema": ["type": "object"]]],
        ]
        let (deployed, text) = try await server.request(.POST, "/api/agent/deploy", body: JSONValue.object(["agentConfig": agent]).jsonText())
        #expect(deployed == 200, "\(text)")
        let before = try JSONValue.parse(try await server.request(.GET, "/api/agent/ops/plan").1)
        #expect(before["lines"].arrayValue?.contains { $0.stringValue?.contains("no run: binding") == true } == true, "\(before)")
        #expect(before["workerTools"] == [["agent": "ops", "name": "check_service", "binding": .null, "workers": []]])

        // What an agentspanc worker registers: its binding, environment values left out.
        let binding: JSONValue = ["command": ["/usr/bin/systemctl", "status", "{name}"], "timeoutSeconds": 5, "env": ["TOKEN": "…"]]
        let defs: JSONValue = [["name": "check_service", "workerBinding": binding]]
        let (registered, registerText) = try await server.request(.POST, "/api/metadata/taskdefs", body: defs.jsonText())
        #expect(registered == 200, "\(registerText)")
        let (polled, _) = try await server.request(.GET, "/api/tasks/poll/check_service?workerid=host-a&domain=blue")
        #expect(polled == 204 || polled == 200)

        let after = try JSONValue.parse(try await server.request(.GET, "/api/agent/ops/plan").1)
        let lines = after["lines"].arrayValue?.compactMap(\.stringValue) ?? []
        #expect(lines.contains { $0.hasSuffix("as its agentspanc worker registered it:") }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("runs: /usr/bin/systemctl status {name}") }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("env TOKEN=…") }, "\(lines)")
        #expect(after["commands"] == ["/usr/bin/systemctl"])
        let tool = after["workerTools"].arrayValue?.first ?? .null
        #expect(tool["binding"] == binding)
        #expect(tool["workers"].arrayValue?.map { $0["workerId"] } == ["host-a"])
        #expect(tool["workers"].arrayValue?.first?["domain"] == "blue")

        let pollData = try JSONValue.parse(try await server.request(.GET, "/api/tasks/queue/polldata?taskType=check_service").1)
        #expect(pollData.arrayValue?.map { $0["queueName"] } == ["blue:check_service"])
        #expect((pollData.arrayValue?.first?["lastPollTime"].intValue ?? 0) > 0)
        let (noType, noTypeText) = try await server.request(.GET, "/api/tasks/queue/polldata")
        #expect(noType == 400 && noTypeText.contains("taskType"), "\(noTypeText)")
    }

    @Test func outlineSaysWhetherTheRegisteredWorkerServesTheLockedVersionOfATool() async throws {
        let server = try await TestServer.start(llm: Self.llm)
        defer { Task { await server.stop() } }
        let lock: JSONValue = ["hash": "sha256:aaa", "parts": ["argv": "sha256:bbb"]]
        let agent: JSONValue = [
            "name": "locked", "model": "openai/gpt-4o", "instructions": "Check.",
            "tools": [["name": "check_locked", "inputSchema": ["type": "object"], "lock": lock]],
        ]
        let (deployed, text) = try await server.request(.POST, "/api/agent/deploy", body: JSONValue.object(["agentConfig": agent]).jsonText())
        #expect(deployed == 200, "\(text)")
        for (registered, matches) in [("sha256:other", false), ("sha256:aaa", true)] {
            let defs: JSONValue = [["name": "check_locked", "workerLock": .string(registered)]]
            let (status, _) = try await server.request(.POST, "/api/metadata/taskdefs", body: defs.jsonText())
            #expect(status == 200)
            let plan = try JSONValue.parse(try await server.request(.GET, "/api/agent/locked/plan").1)
            let entry = plan["workerTools"].arrayValue?.first?["lock"] ?? .null
            #expect(entry == ["expected": "sha256:aaa", "registered": .string(registered), "matches": .bool(matches)], "\(plan)")
        }
    }

    @Test func pageIsServedWithStrictHeadersAndHoldsNoDataWithoutTheKey() async throws {
        let server = try await TestServer.start(llm: Self.llm, apiKey: "sekret")
        defer { Task { await server.stop() } }
        for path in ["/", "/executions/some-id", "/agents", "/agents/x", "/compare?a=1&b=2"] {
            var request = HTTPClientRequest(url: server.url + path)
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(response.status == .ok, "\(path)")
            #expect(response.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
            #expect(response.headers.first(name: "Content-Security-Policy")?.hasPrefix("default-src 'self'") == true)
            #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(body.contains(#"<script src="/dashboard/app.js" defer></script>"#))
            #expect(!body.contains("<script>"), "no inline script")
        }
        let (script, js) = try await server.request(.GET, "/dashboard/app.js")
        #expect(script == 200 && js.contains("/api/agent/executions/search"))
        #expect(!js.contains("http://") && !js.contains("https://"), "no request to any other host")
        #expect(try await server.request(.GET, "/dashboard/app.css").0 == 200)
        #expect(try await server.request(.GET, "/api/agent/executions/search").0 == 401, "data needs the key")
        #expect(try await server.request(.GET, "/api/agent/events").0 == 401)
        #expect(try await server.request(.POST, "/executions/x", body: "{}").0 == 401, "only reading the page is open")
        let (ok, _) = try await server.request(.GET, "/api/agent/executions/search", headers: [("Authorization", "Bearer sekret")])
        #expect(ok == 200)
    }
}
