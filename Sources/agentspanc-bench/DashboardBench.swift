import ArgumentParser
import AsyncHTTPClient
import Engine
import Foundation
import NIOCore
import Workflow

/// The dashboard's figures: first render of the executions page with 10,000 executions stored, task → timeline
/// event latency, and engine throughput with and without ten dashboards open.
struct DashboardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Executions page first render with 10,000 executions, task → timeline latency, tasks/s with 10 dashboards open.")

    @Option(help: "Executions stored before the first-render figure.") var executions = 10_000
    @Option(help: "Tool completions for the latency figure.") var events = 100
    @Option(help: "Workflows of 10 SIMPLE tasks per throughput run.") var workflows = 200
    @Option(help: "Dashboards open during the second throughput run.") var dashboards = 10
    @Option(help: "Python with selenium, for the browser's own first-render figure (skipped when absent).")
    var python = "python3"

    /// An instant model: one short answer, with token counts.
    struct InstantModel: LLMProvider {
        func complete(_ request: ChatRequest) async throws -> ChatResponse {
            if request.tools.isEmpty {
                return ChatResponse(text: "Done.", finishReason: "STOP", promptTokens: 12, completionTokens: 3)
            }
            let turn = request.messages.filter { $0.role == .assistant }.count
            if turn == 0 {
                return ChatResponse(
                    text: "Calling the tool.", toolCalls: [ToolCall(id: "call_0", name: request.tools[0].name, arguments: ["n": 1])],
                    finishReason: "TOOL_CALLS", promptTokens: 12, completionTokens: 3)
            }
            return ChatResponse(text: "Done.", finishReason: "STOP", promptTokens: 12, completionTokens: 3)
        }
    }

    func run() async throws {
        let server = try await BenchServer.start(llm: InstantModel())
        let http = BenchHTTP(base: server.url)
        try await firstRender(http, url: server.url)
        try await timelineLatency(http)
        let alone = try await throughput(http, name: "bench_dash_a")
        let feeds = (0..<dashboards).map { _ in Task { try await Self.dashboard(server.url) } }
        try await Task.sleep(for: .milliseconds(300))
        let watched = try await throughput(http, name: "bench_dash_b")
        for feed in feeds { feed.cancel() }
        report("engine throughput, no dashboard open", alone)
        report("engine throughput, \(dashboards) dashboards open (live feed + page reloads)", watched)
        await server.stop()
    }

    // MARK: first render

    private func firstRender(_ http: BenchHTTP, url: String) async throws {
        let def = WorkflowDef(name: "bench_dash_llm", tasks: [
            WorkflowTask(name: "chat", taskReferenceName: "chat", type: "LLM_CHAT_COMPLETE", inputParameters: [
                "llmProvider": "openai", "model": "gpt-4o",
                "messages": [["role": "user", "message": "${workflow.input.prompt}"]],
            ])
        ])
        _ = try await http.call(.POST, "/api/metadata/workflow?overwrite=true", body: try JSONValue.from(def).jsonText())
        let clock = ContinuousClock()
        let began = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for i in stride(from: lane, to: executions, by: 8) {
                        let body = JSONValue.object(["prompt": .string("Bench prompt \(i): check the service \(i % 50).")]).jsonText()
                        _ = try await http.call(.POST, "/api/workflow/bench_dash_llm", body: body)
                    }
                }
            }
            try await group.waitForAll()
        }
        report("stored \(executions) executions", String(format: "in %.1f s", seconds(clock.now - began)))

        var search = Sample(), filtered = Sample(), text = Sample(), page = Sample()
        for i in 0..<60 {
            let t0 = clock.now
            _ = try await http.call(.GET, "/api/agent/executions/search?rootOnly=true&start=0&size=25")
            let t1 = clock.now
            _ = try await http.call(.GET, "/api/agent/executions/search?rootOnly=true&status=COMPLETED&start=5000&size=25")
            let t2 = clock.now
            _ = try await http.call(.GET, "/api/agent/executions/search?rootOnly=true&q=service%2042&size=25")
            let t3 = clock.now
            // What a browser fetches before it can draw the list: the page, its script and style, one search.
            for path in ["/", "/dashboard/app.js", "/dashboard/app.css"] { _ = try await http.call(.GET, path) }
            _ = try await http.call(.GET, "/api/agent/executions/search?rootOnly=true&start=0&size=25")
            let t4 = clock.now
            guard i >= 10 else { continue }
            search.add(t1 - t0)
            filtered.add(t2 - t1)
            text.add(t3 - t2)
            page.add(t4 - t3)
        }
        report("search, newest 25 of \(executions) (count + page + token sums)", search.summary)
        report("search, status filter, page 201", filtered.summary)
        report("search, free text", text.summary)
        report("executions page: HTML + script + style + first search, server side", page.summary)
        if let browser = browserFirstRender(url) { report("executions page: first render in headless Chromium (navigation → rows drawn)", browser) }
    }

    /// Navigation → first rows drawn, as the page itself marks it (`performance.mark('executions-rendered')`).
    private func browserFirstRender(_ url: String) -> String? {
        let script = """
            import statistics, sys
            from selenium import webdriver
            o = webdriver.ChromeOptions(); o.binary_location = '/usr/bin/chromium'
            for a in ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu']: o.add_argument(a)
            d = webdriver.Chrome(options=o, service=webdriver.ChromeService(executable_path='/usr/bin/chromedriver'))
            times = []
            for i in range(12):
                d.get(sys.argv[1] + '/?nocache=' + str(i))
                for _ in range(600):
                    t = d.execute_script("var m = performance.getEntriesByName('executions-rendered'); return m.length ? m[0].startTime : null")
                    if t is not None: break
                    d.implicitly_wait(0)
                if t is not None and i >= 2: times.append(t)
            d.quit()
            times.sort()
            print('p50 %.0f ms  max %.0f ms  (n=%d)' % (statistics.median(times), times[-1], len(times)))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script, url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: task → timeline

    private func timelineLatency(_ http: BenchHTTP) async throws {
        let agent: JSONValue = [
            "name": "bench_dash_tool", "model": "openai/gpt-4o", "instructions": "Use the tool.",
            "tools": [["name": "bench_dash_step", "description": "Does nothing", "inputSchema": ["type": "object"]]],
        ]
        var timeline = Sample(), list = Sample()
        let clock = ContinuousClock()
        for i in 0..<(events + 5) {
            let (_, started) = try await http.call(
                .POST, "/api/agent/start", body: JSONValue.object(["agentConfig": agent, "prompt": "one call"]).jsonText())
            guard let id = try JSONValue.parse(Data(started.readableBytesView))["executionId"].stringValue else { continue }
            let stream = SSEReader(url: http.base + "/api/agent/stream/\(id)")
            let feed = SSEReader(url: http.base + "/api/agent/events")
            let onTimeline = Task { try await stream.first { $0.contains("event:tool_result") } }
            let onList = Task { try await feed.first { $0.contains("\"executionId\":\"\(id)\"") && $0.contains("\"status\":\"COMPLETED\"") } }
            var task: ConductorTask?
            while task == nil { task = try await http.tasks("/api/tasks/poll/batch/bench_dash_step?count=1&timeout=5000").first }
            try await Task.sleep(for: .milliseconds(20))  // both streams are connected and replayed
            let sent = clock.now
            _ = try await http.complete(task!, output: ["ok": true], v2: false)
            let a = try await onTimeline.value
            let b = try await onList.value
            if i >= 5 {
                timeline.add(a - sent)
                list.add(b - sent)
            }
        }
        report("task → timeline (tool completed → tool_result on the execution's stream)", timeline.summary)
        report("task → list (tool completed → execution COMPLETED on the server-wide feed)", list.summary)
    }

    // MARK: throughput

    private func throughput(_ http: BenchHTTP, name: String) async throws -> String {
        let def = WorkflowDef(name: name, tasks: (0..<10).map {
            WorkflowTask(name: name + "_step", taskReferenceName: "s\($0)", type: "SIMPLE", inputParameters: ["i": .int($0)])
        })
        _ = try await http.call(.POST, "/api/metadata/workflow?overwrite=true", body: try JSONValue.from(def).jsonText())
        for _ in 0..<workflows { _ = try await http.call(.POST, "/api/workflow/\(name)", body: "{}") }
        let total = workflows * 10
        let clock = ContinuousClock()
        let began = clock.now
        let counter = Counter()
        let done = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var mine = 0
                    while await counter.value < total {
                        var task = try await http.tasks("/api/tasks/poll/batch/\(name)_step?count=1&timeout=200").first
                        while let current = task {
                            task = try await http.complete(current, output: ["ok": true], v2: true)
                            mine += 1
                            await counter.add(1)
                        }
                    }
                    return mine
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = seconds(clock.now - began)
        return String(format: "%.0f tasks/s (%d tasks in %.2f s)", Double(done) / elapsed, done, elapsed)
    }

    /// One open executions page: follows the live feed and, like the page, re-reads the first page of the search
    /// when an execution newer than the newest it shows appears (changes of executions off the page cost nothing).
    static func dashboard(_ base: String) async throws {
        let http = BenchHTTP(base: base)
        let (_, first) = try await http.call(.GET, "/api/agent/executions/search?rootOnly=true&size=25")
        var newest = (try JSONValue.parse(Data(first.readableBytesView))["results"].arrayValue ?? [])
            .compactMap { $0["createTime"].intValue }.max() ?? 0
        let feed = SSEReader(url: base + "/api/agent/events")
        _ = try await feed.first { frame in
            guard let data = frame.split(separator: "\n").first(where: { $0.hasPrefix("data:") })?.dropFirst(5),
                  let row = try? JSONValue.parse(String(data)) else { return Task.isCancelled }
            if row["parentExecutionId"] == .null, let created = row["createTime"].intValue, created > newest {
                newest = created
                _ = try? await http.call(.GET, "/api/agent/executions/search?rootOnly=true&size=25")
            }
            return Task.isCancelled
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Reads a server-sent event stream frame by frame.
struct SSEReader: Sendable {
    let url: String

    /// Reads until `found` holds for a frame; returns when it did.
    @discardableResult
    func first(where found: (String) async throws -> Bool) async throws -> ContinuousClock.Instant {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await BenchHTTP.client.execute(request, timeout: .hours(1))
        var buffer = ""
        for try await chunk in response.body {
            buffer += String(buffer: chunk)
            while let end = buffer.range(of: "\n\n") {
                let frame = String(buffer[..<end.lowerBound])
                buffer = String(buffer[end.upperBound...])
                if try await found(frame) { return ContinuousClock.now }
            }
            if Task.isCancelled { break }
        }
        return ContinuousClock.now
    }
}
