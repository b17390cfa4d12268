import ArgumentParser
import ConductorClient
import Foundation
import GRDB
import Workflow

/// List and search pages of a large store: the pages the dashboard and Conductor clients ask for, timed over HTTP.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Time list and search pages (/api/workflow/search, /api/agent/executions[/search]) of a store of N executions.",
        discussion: """
            The store is made once: a few hundred agent runs go through the server for real (instant model and tool; \
            some terminated, a few left waiting on a tool), then their ended executions and tasks are copied in SQL \
            under new ids, each copy earlier in time, until the store holds N executions. Pass --directory to keep it \
            and measure it again without rebuilding.
            """)

    @Option(help: "Executions in the store.") var executions = 100_000
    @Option(help: "Agent runs made through the server before copying.") var seeds = 200
    @Option(help: "Store directory: reused when it holds a store, kept afterwards (default: a temporary one, deleted).")
    var directory: String?
    @Option(help: "Timed requests per page.") var requests = 20

    static let agents = (0..<5).map { "bench_store_\($0)" }

    func run() async throws {
        let path = try directory ?? temporaryDirectory("agentspanc-bench-store")
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: path) } }
        let database = (path as NSString).appendingPathComponent("agentspanc.sqlite")
        let clock = ContinuousClock()
        if !FileManager.default.fileExists(atPath: database) {
            let began = clock.now
            try await seed(path)
            try copy(database)
            report("store built", String(format: "%.1f s", (clock.now - began).seconds))
        }
        let count = try await DatabaseQueue(path: database).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution") ?? 0 }
        let size = (try? FileManager.default.attributesOfItem(atPath: database)[.size] as? Int) ?? 0
        report("store", String(format: "%d executions, %.0f MiB", count, Double(size) / 1_048_576))

        let server = try await BenchServer.start(llm: EventBench.InstantModel(), directory: path)
        let http = BenchHTTP(base: server.url)
        let (from, to) = try await DatabaseQueue(path: database).read { db -> (Int64, Int64) in
            let low = try Int64.fetchOne(db, sql: "SELECT MIN(create_time) FROM execution") ?? 0
            let high = try Int64.fetchOne(db, sql: "SELECT MAX(create_time) FROM execution") ?? 0
            return (low + (high - low) * 4 / 10, low + (high - low) / 2)
        }
        let deep = count / 2
        let pages: [(String, String)] = [
            ("Conductor search, first page", "/api/workflow/search?size=20"),
            ("Conductor search, start=\(deep)", "/api/workflow/search?size=20&start=\(deep)"),
            ("Conductor search by workflowType", "/api/workflow/search?size=20&workflowType=\(Self.agents[2])"),
            ("Conductor search by status", "/api/workflow/search?size=20&status=TERMINATED"),
            ("agent executions, first page", "/api/agent/executions?size=20"),
            ("agent executions by agent and status", "/api/agent/executions?size=20&agentName=\(Self.agents[1])&status=COMPLETED"),
            ("agent executions, start=\(deep)", "/api/agent/executions?size=20&start=\(deep)"),
            ("dashboard search, first page", "/api/agent/executions/search?start=0&size=25&rootOnly=true"),
            ("dashboard search by status", "/api/agent/executions/search?start=0&size=25&rootOnly=true&status=TERMINATED,FAILED"),
            ("dashboard search by agent", "/api/agent/executions/search?start=0&size=25&rootOnly=true&agent=\(Self.agents[3])"),
            ("dashboard search by time window", "/api/agent/executions/search?start=0&size=25&rootOnly=true&from=\(from)&to=\(to)"),
            ("dashboard search by text", "/api/agent/executions/search?start=0&size=25&rootOnly=true&q=order%2017"),
            ("dashboard search, start=\(deep)", "/api/agent/executions/search?start=\(deep)&size=25&rootOnly=true"),
            ("dashboard search, RUNNING", "/api/agent/executions/search?start=0&size=25&rootOnly=true&status=RUNNING"),
        ]
        for (label, page) in pages {
            var sample = Sample()
            var bytes = 0
            for i in 0..<(requests + 3) {
                let began = clock.now
                let (status, body) = try await http.call(.GET, page)
                let elapsed = clock.now - began
                guard status == 200 else { throw ValidationError("\(page) answered \(status): \(String(buffer: body))") }
                bytes = body.readableBytes
                if i >= 3 { sample.add(elapsed) }
            }
            report("\(label) (\(bytes) bytes)", sample.summary, target: "p50 ≤ 20 ms")
        }
        await server.stop()
    }

    /// Runs ``seeds`` agent runs through a server on `path`: most complete after one tool call, one in ten is
    /// terminated while it waits on its tool, a few are left waiting.
    private func seed(_ path: String) async throws {
        let server = try await BenchServer.start(llm: EventBench.InstantModel(), directory: path)
        let http = BenchHTTP(base: server.url)
        let client = AgentClient(serverURL: server.url)
        let worker = Task { try await EventBench.instantWorker(http) }
        var waiting: [String] = []
        for i in 0..<seeds {
            let manual = i % 10 == 9 || i % 50 == 3
            let agent = EventBench.agent(manual ? "bench_tool_manual" : "bench_tool", name: Self.agents[i % Self.agents.count])
            let started = try await client.start(AgentStartRequest(agentConfig: agent, prompt: "one call please, order \(i)"))
            guard let id = started.executionId else { continue }
            if manual {
                waiting.append(id)
            } else {
                for try await _ in client.events(executionID: id) {}
            }
        }
        for (n, id) in waiting.enumerated() where n % 5 != 0 {
            _ = try await http.call(.DELETE, "/api/workflow/\(id)?reason=stopped%20by%20the%20bench")
        }
        worker.cancel()
        await server.stop()
    }

    /// Copies the ended executions (and their tasks) under new ids, each copy earlier than the last, until the
    /// store holds ``executions``.
    private func copy(_ database: String) throws {
        let queue = try DatabaseQueue(path: database)
        try queue.inDatabase { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution") ?? 0
            let ended = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution WHERE status != 'RUNNING'") ?? 0
            let low = try Int64.fetchOne(db, sql: "SELECT MIN(create_time) FROM execution") ?? 0
            let high = try Int64.fetchOne(db, sql: "SELECT MAX(create_time) FROM execution") ?? 0
            guard ended > 0 else { return }
            let span = high - low + 1_000
            var copies = 0
            while total + copies * ended < executions {
                copies += 1
                let suffix = ".\(copies)"
                let shift = span * Int64(copies)
                let limit = executions - total - (copies - 1) * ended
                try db.execute(
                    sql: """
                        INSERT INTO execution(id, name, status, root_id, parent_id, create_time, timeout_at, json)
                        SELECT id || :s, name, status, root_id || :s, parent_id || :s, create_time - :shift, NULL,
                            json_set(json, '$.execution.workflowId', id || :s, '$.rootWorkflowID', root_id || :s,
                                '$.execution.createTime', create_time - :shift,
                                '$.execution.startTime', json_extract(json, '$.execution.startTime') - :shift,
                                '$.execution.endTime', json_extract(json, '$.execution.endTime') - :shift,
                                '$.execution.updateTime', json_extract(json, '$.execution.updateTime') - :shift)
                        FROM execution WHERE instr(id, '.') = 0 AND status != 'RUNNING' ORDER BY create_time LIMIT :limit
                        """,
                    arguments: ["s": suffix, "shift": shift, "limit": limit])
                try db.execute(
                    sql: """
                        INSERT INTO task(id, workflow_id, seq, status, queue, engine_async, priority, wake_at, json)
                        SELECT t.id || :s, t.workflow_id || :s, t.seq, t.status, t.queue, t.engine_async, t.priority, NULL,
                            json_set(t.json, '$.taskId', t.id || :s, '$.workflowInstanceId', t.workflow_id || :s)
                        FROM task t JOIN execution e ON e.id = t.workflow_id || :s
                        WHERE instr(t.workflow_id, '.') = 0
                        """,
                    arguments: ["s": suffix])
            }
        }
    }
}
